"""The import framework: read a table, map its columns, validate every row, save all or nothing."""
