"""«Отчёт о реализации программы за год»: the municipal report on the programme."""
