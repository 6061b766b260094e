package web

import (
	"context"
	"net/http"

	"kejiju/internal/auth"
)

// ListJSON answers an API list call: the page that list finds for filter f
// as {"total": n, "items": [...]}, items an empty array when there are none.
func ListJSON[F, T any](w http.ResponseWriter, r *http.Request, f F, list func(context.Context, *auth.User, F) ([]T, int, error)) error {
	items, total, err := list(r.Context(), UserFrom(r.Context()), f)
	if err != nil {
		return err
	}
	if items == nil {
		items = []T{}
	}
	return JSON(w, http.StatusOK, map[string]any{"total": total, "items": items})
}

// GetJSON answers an API call for the record get reads from the request.
func GetJSON[T any](w http.ResponseWriter, r *http.Request, get func(*http.Request) (T, error)) error {
	rec, err := get(r)
	if err != nil {
		return err
	}
	return JSON(w, http.StatusOK, rec)
}

// CreateJSON answers an API create call: the body is create's input, the
// answer (201) the record it made.
func CreateJSON[In, T any](w http.ResponseWriter, r *http.Request, create func(context.Context, *auth.User, In) (T, error)) error {
	var in In
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rec, err := create(r.Context(), UserFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return JSON(w, http.StatusCreated, rec)
}
