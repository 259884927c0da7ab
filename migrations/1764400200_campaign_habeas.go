package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
)

// consentsReadRule lets a person read their own authorisations only.
const consentsReadRule = `@request.auth.collectionName = "users" && user_id = @request.auth.id`

func init() {
	m.Register(upCampaignHabeas, downCampaignHabeas)
}

// upCampaignHabeas adds the campaign's one record (brand, data controller,
// policy version, purge dates) with Padrón's defaults, the append-only
// consents, the superuser-only logs of exports and purges, and the users'
// current messaging authorisation.
func upCampaignHabeas(app core.App) error {
	campaign := core.NewBaseCollection(schema.CampaignCollection)
	campaign.ListRule = types.Pointer("") // the public fields: everyone, anonymous included
	campaign.ViewRule = types.Pointer("")
	// Create, update and delete stay nil: superusers only.
	campaign.Fields.Add(
		&core.TextField{Name: "name", Required: true, Max: 80},
		&core.TextField{Name: "short_name", Max: 24},
		&core.FileField{
			Name: "logo", MaxSelect: 1, MaxSize: 512 << 10,
			MimeTypes: []string{"image/png", "image/jpeg", "image/webp"},
			Thumbs:    []string{"100x100", "192x192", "512x512"},
		},
		&core.TextField{Name: "primary_color", Required: true, Pattern: `^#[0-9a-fA-F]{6}$`},
		&core.TextField{Name: "controller_name", Max: 200},
		&core.TextField{Name: "controller_id", Max: 40}, // NIT or cédula
		&core.TextField{Name: "controller_address", Max: 300},
		&core.EmailField{Name: "controller_email"},
		&core.TextField{Name: "controller_phone", Max: 40},
		&core.DateField{Name: "election_date"},
		&core.TextField{Name: "policy_version", Required: true, Max: 32},
		&core.DateField{Name: "purge_evidence_at", Hidden: true},
		&core.DateField{Name: "purge_all_at", Hidden: true},
		&core.DateField{Name: "purge_evidence_done_at", Hidden: true},
		&core.DateField{Name: "purge_all_done_at", Hidden: true},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	if err := app.Save(campaign); err != nil {
		return err
	}
	rec := core.NewRecord(campaign)
	rec.Set("name", "Padrón")
	rec.Set("short_name", "Padrón")
	rec.Set("primary_color", "#0b4f8a")
	rec.Set("policy_version", schema.PolicyVersion)
	if err := app.Save(rec); err != nil {
		return err
	}

	consents := core.NewBaseCollection(schema.ConsentsCollection)
	consents.ListRule = types.Pointer(consentsReadRule)
	consents.ViewRule = types.Pointer(consentsReadRule)
	consents.Fields.Add(
		// A plain id, not a relation: the record outlives the account it speaks of.
		&core.TextField{Name: "user_id", Required: true, Max: 40},
		&core.SelectField{Name: "purpose", Required: true, MaxSelect: 1, Values: []string{"processing", "messaging"}},
		&core.BoolField{Name: "granted"},
		&core.TextField{Name: "policy_version", Max: 32},
		&core.TextField{Name: "text_sha256", Max: 64},
		&core.TextField{Name: "source", Max: 40},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	consents.AddIndex("idx_consents_user", false, "user_id, created", "")
	if err := app.Save(consents); err != nil {
		return err
	}

	exports := core.NewBaseCollection(schema.DataExportsCollection)
	exports.Fields.Add(
		&core.TextField{Name: "actor_id", Required: true, Max: 40},
		&core.TextField{Name: "actor_collection", Max: 40},
		&core.TextField{Name: "actor_name", Max: 200},
		&core.TextField{Name: "what", Required: true, Max: 200},
		&core.NumberField{Name: "rows", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	exports.AddIndex("idx_data_exports_created", false, "created", "")
	if err := app.Save(exports); err != nil {
		return err
	}

	purges := core.NewBaseCollection(schema.DataPurgesCollection)
	purges.Fields.Add(
		&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"evidence", "all"}},
		&core.DateField{Name: "scheduled_for"},
		&core.NumberField{Name: "deleted", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.TextField{Name: "summary", Max: 2000},
		&core.AutodateField{Name: "created", OnCreate: true},
	)
	if err := app.Save(purges); err != nil {
		return err
	}

	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.Fields.Add(&core.BoolField{Name: "contact_consent"})
	return app.Save(users)
}

func downCampaignHabeas(app core.App) error {
	for _, name := range []string{schema.DataPurgesCollection, schema.DataExportsCollection, schema.ConsentsCollection, schema.CampaignCollection} {
		if col, err := app.FindCollectionByNameOrId(name); err == nil {
			if err := app.Delete(col); err != nil {
				return err
			}
		}
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.Fields.RemoveByName("contact_consent")
	return app.Save(users)
}
