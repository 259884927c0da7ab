package migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

func init() {
	m.Register(upCedulaClaims, downCedulaClaims)
}

// claimsRateLimit keeps the public claim form from being a spam channel.
var claimsRateLimit = core.RateLimitRule{Label: schema.ClaimsCollection + ":create", MaxRequests: 5, Duration: 60}

// upCedulaClaims adds the cédula disputes: anyone may file one (the hooks
// validate it), only superusers read and resolve them; a resolved claim
// keeps the account it replaced.
func upCedulaClaims(app core.App) error {
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	col := core.NewBaseCollection(schema.ClaimsCollection)
	col.CreateRule = types.Pointer("") // anyone; the hooks decide what is valid
	col.Fields.Add(
		&core.TextField{Name: "cedula", Required: true, Max: 10, Pattern: `^[1-9][0-9]{2,9}$`},
		&core.TextField{Name: "name", Required: true, Max: 120},
		&core.TextField{Name: "phone", Required: true, Max: 10, Pattern: `^3[0-9]{9}$`},
		&core.EmailField{Name: "email"},
		// The claimant's chosen password, hashed (never in any answer): their
		// account gets it when the cédula is handed over.
		&core.PasswordField{Name: "password", Required: true, Min: 8, Max: 71},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"open", "transferred", "rejected"}},
		&core.TextField{Name: "data_policy_version", Max: 20},
		&core.RelationField{Name: "new_user", CollectionId: users.Id, MaxSelect: 1},
		// replaced is the account the cédula was taken from, as it was.
		&core.JSONField{Name: "replaced", MaxSize: 1 << 14},
		&core.TextField{Name: "resolution_note", Max: 2000},
		&core.DateField{Name: "resolved_at"},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	col.AddIndex("idx_cedula_claims_cedula", false, "cedula, status", "")
	if err := app.Save(col); err != nil {
		return err
	}
	settings := app.Settings()
	rules := settings.RateLimits.Rules
	at := slices.IndexFunc(rules, func(r core.RateLimitRule) bool { return r.Label == "/api/" })
	if at < 0 {
		at = len(rules)
	}
	settings.RateLimits.Rules = slices.Insert(rules, at, claimsRateLimit)
	return app.Save(settings)
}

func downCedulaClaims(app core.App) error {
	settings := app.Settings()
	settings.RateLimits.Rules = slices.DeleteFunc(settings.RateLimits.Rules, func(r core.RateLimitRule) bool {
		return r.Label == claimsRateLimit.Label
	})
	if err := app.Save(settings); err != nil {
		return err
	}
	col, err := app.FindCollectionByNameOrId(schema.ClaimsCollection)
	if err != nil {
		return nil
	}
	return app.Delete(col)
}
