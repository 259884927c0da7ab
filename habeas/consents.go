package habeas

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// Sources of a consent record: where the person gave or withdrew it.
const (
	SourceRegistration = "registro"
	SourceProfile      = "perfil"
	SourceAcceptance   = "nueva_version"
	SourceWithdrawal   = "retiro"
	SourceClaim        = "reclamo"
)

// Append adds one authorisation given (granted) or withdrawn to the
// consents record of userID, with the policy version and the hash of the
// text the person saw.
func Append(app core.App, userID, purpose string, granted bool, version, sha, source string) error {
	col, err := app.FindCachedCollectionByNameOrId(schema.ConsentsCollection)
	if err != nil {
		return fmt.Errorf("consents: %w", err)
	}
	rec := core.NewRecord(col)
	rec.Set("user_id", userID)
	rec.Set("purpose", purpose)
	rec.Set("granted", granted)
	rec.Set("policy_version", version)
	rec.Set("text_sha256", sha)
	rec.Set("source", source)
	if err := app.Save(rec); err != nil {
		return fmt.Errorf("consents: save %s of %s: %w", purpose, userID, err)
	}
	return nil
}

// bindAppendOnly refuses every change and deletion of a consent record
// made through the API, the dashboard included: the record is evidence.
func bindAppendOnly(app core.App) {
	refuse := func(e *core.RecordRequestEvent) error {
		return e.ForbiddenError("El registro de autorizaciones no se puede modificar ni borrar.", nil)
	}
	app.OnRecordUpdateRequest(schema.ConsentsCollection).BindFunc(refuse)
	app.OnRecordDeleteRequest(schema.ConsentsCollection).BindFunc(refuse)
}
