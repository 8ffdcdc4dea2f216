"""The import framework: read a table file, map its columns, validate every row, save all or nothing."""
