package routes

import (
	_ "embed"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// openAPIDoc describes the custom endpoints, so scripts and tools can be
// generated from the server they talk to.
//
//go:embed openapi.json
var openAPIDoc []byte

func bindOpenAPI(se *core.ServeEvent) {
	se.Router.GET("/api/padron/openapi.json", func(e *core.RequestEvent) error {
		return e.Blob(http.StatusOK, "application/json", openAPIDoc)
	})
}
