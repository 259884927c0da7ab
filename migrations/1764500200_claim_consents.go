package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upClaimConsents, downClaimConsents)
}

// claimConsentFields are what a claimant authorises, as a registration
// does: the hash of the processing text shown, the optional messaging
// authorisation and the hash of its text. The transfer writes them to the
// consents record.
func claimConsentFields() []core.Field {
	return []core.Field{
		&core.TextField{Name: "data_policy_sha256", Max: 64},
		&core.BoolField{Name: "contact_consent"},
		&core.TextField{Name: "contact_consent_sha256", Max: 64},
	}
}

// upClaimConsents gives the claims the registration's authorisations and
// its password rule: at least 8 characters, with no maximum of the field's
// own (the hook refuses more than bcrypt's 72 bytes and sets the hash, so
// the old "71 characters" is never what a person reads).
func upClaimConsents(app core.App) error {
	col, err := app.FindCollectionByNameOrId(schema.ClaimsCollection)
	if err != nil {
		return err
	}
	if pw, ok := col.Fields.GetByName("password").(*core.PasswordField); ok {
		pw.Min, pw.Max = 8, 0
	}
	col.Fields.Add(claimConsentFields()...)
	return app.Save(col)
}

func downClaimConsents(app core.App) error {
	col, err := app.FindCollectionByNameOrId(schema.ClaimsCollection)
	if err != nil {
		return err
	}
	if pw, ok := col.Fields.GetByName("password").(*core.PasswordField); ok {
		pw.Min, pw.Max = 8, 71
	}
	for _, f := range claimConsentFields() {
		col.Fields.RemoveByName(f.GetName())
	}
	return app.Save(col)
}
