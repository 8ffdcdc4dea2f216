"""«Анализ результатов оценочной процедуры»: one assessment by subject and grade."""
