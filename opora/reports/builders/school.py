"""«Аналитическая справка по школе»: the school's analytic report."""
