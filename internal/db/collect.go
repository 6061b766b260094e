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
