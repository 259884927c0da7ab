// Package hooks binds Padrón's record hooks to a PocketBase app: validation
// and normalisation of users, their cedula_info bookkeeping, and the census
// checks those changes trigger. main.go and tests bind the same functions.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"
)

// Waker tells the census dispatcher that checks wait; the worker package
// implements it. The hooks leave the check pending in the change's own
// transaction and wake the dispatcher only after it committed. They never
// queue again: by then a fast worker may have answered that very check,
// and queueing it again would look the cédula up twice.
type Waker interface {
	Wake()
}

// Register binds every Padrón record hook to app. q may be nil (no worker):
// records still get their pending cedula_info, nobody checks them.
func Register(app core.App, q Waker) {
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
