"""«Итоги года»: entered, stayed, left the list; years in status; the risk group by district."""
