package db

import "database/sql"

// Collect reads every row of rows with scan and closes them; errors come
// back normalised. It replaces the Next/Scan/Err loop of a list query.
func Collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, Normalize(err)
		}
		out = append(out, v)
	}
	return out, Normalize(rows.Err())
}

// CollectCounted is Collect for one page of a list whose rows end with the
// whole list's count (COUNT(*) OVER ()): scan reads a row's columns and,
// last, into extra. It returns the page and the count.
func CollectCounted[T any](rows *sql.Rows, scan func(sc interface{ Scan(...any) error }, extra ...any) (T, error)) ([]T, int, error) {
	total := 0
	out, err := Collect(rows, func(sc interface{ Scan(...any) error }) (T, error) { return scan(sc, &total) })
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}
