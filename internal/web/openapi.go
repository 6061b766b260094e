package web

import (
	"net/http"
	"regexp"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\.*\}`)

// openAPI serves the OpenAPI 3.1 document of the API, generated from the
// route table so it cannot drift from the routes.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	paths := map[string]map[string]any{}
	for _, rt := range s.routes.List() {
		if !rt.API {
			continue
		}
		p := strings.TrimPrefix(rt.Path(), "/api/v1")
		op := map[string]any{
			"summary":   rt.Summary,
			"responses": map[string]any{"200": map[string]any{"description": "OK"}, "default": map[string]any{"$ref": "#/components/responses/Error"}},
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Perm != "" {
			op["x-permission"] = string(rt.Perm)
		}
		if rt.Access == Public {
			op["security"] = []any{}
		}
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.Method())] = op
	}
	JSON(w, http.StatusOK, map[string]any{
		"openapi":  "3.1.0",
		"info":     map[string]any{"title": "kejiju API", "version": s.cfg.Version, "description": "科技局业务系统 JSON API. Authenticate with a personal token: Authorization: Bearer kjt_…"},
		"servers":  []any{map[string]string{"url": "/api/v1"}},
		"paths":    paths,
		"security": []any{map[string]any{"bearer": []string{}}},
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]string{"type": "http", "scheme": "bearer"}},
			"responses": map[string]any{"Error": map[string]any{
				"description": "An error: code, translated message, and field messages for invalid input",
				"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
					"type": "object",
					"properties": map[string]any{"error": map[string]any{"type": "object", "properties": map[string]any{
						"code":    map[string]any{"type": "string", "enum": []string{"invalid", "not_found", "conflict", "forbidden", "unauthorized", "too_many", "unavailable", "internal"}},
						"message": map[string]string{"type": "string"},
						"fields":  map[string]any{"type": "object", "additionalProperties": map[string]string{"type": "string"}},
					}}},
				}}},
			}},
		},
	})
}
