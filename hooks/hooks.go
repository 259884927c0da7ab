// Package hooks binds Padrón's record hooks to a PocketBase app: validation
// and normalisation of users, their cedula_info bookkeeping, and the census
// checks those changes trigger. main.go and tests bind the same functions.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

// Enqueuer schedules census checks; the worker package implements it. The
// hooks call it only after the change that needs a check has committed.
type Enqueuer interface {
	Enqueue(app core.App, userIDs ...string) error
}

// Register binds every Padrón record hook to app. q may be nil (no worker):
// records still get their pending cedula_info, nobody checks them.
func Register(app core.App, q Enqueuer) {
	bindUserValidation(app)
	bindSingleHash(app)
	bindCedulaInfoLifecycle(app, q)
	bindNetwork(app)
	bindCedulaLogin(app)
	bindListGuard(app)
	bindPasswordPrecheck(app)
	bindMailGuard(app)
	bindClaimValidation(app)
}
