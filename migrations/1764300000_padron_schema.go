// Package migrations creates and evolves Padrón's data model; PocketBase runs
// every registered migration at startup, in file-name order.
package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// Rules shared by the users and cedula_info collections: a member sees only
// themself, a leader also the users they referred.
const (
	usersReadRule      = `id = @request.auth.id || (@request.auth.role = "leader" && referred_by = @request.auth.id)`
	usersOwnerRule     = `id = @request.auth.id`
	cedulaInfoReadRule = `user = @request.auth.id || (@request.auth.role = "leader" && user.referred_by = @request.auth.id)`
)

func init() {
	m.Register(upSchema, downSchema)
}

func upSchema(app core.App) error {
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	if err := shapeUsers(users); err != nil {
		return err
	}
	if err := app.Save(users); err != nil {
		return err
	}

	info := core.NewBaseCollection(schema.CedulaInfoCollection)
	shapeCedulaInfo(info, users.Id)
	if err := app.Save(info); err != nil {
		return err
	}

	settings := app.Settings()
	settings.Meta.AppName = "Padrón"
	return app.Save(settings)
}

func shapeUsers(users *core.Collection) error {
	users.ListRule = types.Pointer(usersReadRule)
	users.ViewRule = types.Pointer(usersReadRule)
	users.CreateRule = types.Pointer("") // registration is public; hooks validate
	users.UpdateRule = types.Pointer(usersOwnerRule)
	users.DeleteRule = types.Pointer(usersOwnerRule) // habeas data: members may leave

	// Email is optional: people log in with their cédula.
	if email, ok := users.Fields.GetByName(core.FieldNameEmail).(*core.EmailField); ok {
		email.Required = false
	}
	users.Fields.RemoveByName("avatar")
	users.OAuth2.MappedFields.AvatarURL = ""

	if name, ok := users.Fields.GetByName("name").(*core.TextField); ok {
		name.Required = true
		name.Min = 3
		name.Max = 120
		name.Pattern = `^[\p{L}\p{M}]+(?:[ '\-][\p{L}\p{M}]+)*$`
	}
	users.Fields.Add(
		&core.TextField{Name: "cedula", Required: true, Pattern: `^[1-9][0-9]{2,9}$`, Max: 10},
		&core.TextField{Name: "phone", Required: true, Pattern: `^3[0-9]{9}$`, Max: 10},
		&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: []string{schema.RoleMember, schema.RoleLeader}},
		&core.TextField{
			Name: "referral_code", Required: true, Min: 8, Max: 8,
			Pattern: `^[A-Za-z0-9]{8}$`, AutogeneratePattern: `[A-Za-z0-9]{8}`,
		},
		&core.RelationField{Name: "referred_by", CollectionId: users.Id, MaxSelect: 1},
		&core.NumberField{Name: "referral_goal", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(100000.0)},
		&core.DateField{Name: "data_policy_accepted_at"},
		&core.TextField{Name: "data_policy_version", Max: 32},
	)

	users.PasswordAuth.IdentityFields = []string{"cedula", core.FieldNameEmail}

	users.AddIndex("idx_users_cedula", true, "cedula", "")
	users.AddIndex("idx_users_referral_code", true, "referral_code", "")
	users.AddIndex("idx_users_referred_by", false, "referred_by", "")
	users.AddIndex("idx_users_role", false, "role", "")
	return nil
}

func shapeCedulaInfo(info *core.Collection, usersID string) {
	info.ListRule = types.Pointer(cedulaInfoReadRule)
	info.ViewRule = types.Pointer(cedulaInfoReadRule)
	// Create, update and delete stay nil: superusers only. The server writes.

	info.Fields.Add(
		&core.RelationField{Name: "user", CollectionId: usersID, Required: true, MaxSelect: 1, CascadeDelete: true},
		&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: census.Statuses},
		&core.TextField{Name: "departamento", Max: 200},
		&core.TextField{Name: "municipio", Max: 200},
		&core.TextField{Name: "puesto", Max: 300},
		&core.TextField{Name: "direccion", Max: 300},
		&core.TextField{Name: "mesa", Max: 20},
		&core.TextField{Name: "novedad", Max: 300},
		&core.TextField{Name: "resolucion", Max: 100},
		&core.TextField{Name: "fecha_novedad", Max: 50},
		&core.DateField{Name: "fetched_at"},
		&core.TextField{Name: "error_message", Max: 2000},
		&core.NumberField{Name: "attempts", OnlyInt: true, Min: types.Pointer(0.0)},
		&core.DateField{Name: "next_attempt_at"},
		&core.TextField{Name: "raw_response", Hidden: true},
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
	info.AddIndex("idx_cedula_info_user", true, "user", "")
	info.AddIndex("idx_cedula_info_status", false, "status", "")
	info.AddIndex("idx_cedula_info_next_attempt", false, "status, next_attempt_at", "")
}

func downSchema(app core.App) error {
	info, err := app.FindCollectionByNameOrId(schema.CedulaInfoCollection)
	if err == nil {
		if err := app.Delete(info); err != nil {
			return err
		}
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	for _, name := range []string{"cedula", "phone", "role", "referral_code", "referred_by", "referral_goal", "data_policy_accepted_at", "data_policy_version"} {
		users.Fields.RemoveByName(name)
	}
	users.RemoveIndex("idx_users_cedula")
	users.RemoveIndex("idx_users_referral_code")
	users.RemoveIndex("idx_users_referred_by")
	users.RemoveIndex("idx_users_role")
	users.PasswordAuth.IdentityFields = []string{core.FieldNameEmail}
	return app.Save(users)
}
