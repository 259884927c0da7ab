package migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/padron/padron/schema"
	"github.com/padron/padron/tree"
)

func init() {
	m.Register(upRed, downRed)
}

// upRed makes the referral tree queryable at any depth (issue 16): the
// network closure table, backfilled from referred_by; the coordinator role;
// the subtree goal; and the users, cedula_info and network rules written
// once over the closure table (schema.SeesUserRule).
func upRed(app core.App) error {
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	network := core.NewBaseCollection(schema.NetworkCollection)
	networkRule := schema.SeesUserRule("ancestor")
	network.ListRule, network.ViewRule = types.Pointer(networkRule), types.Pointer(networkRule)
	// Create, update and delete stay nil: the server keeps the table.
	network.Fields.Add(
		&core.RelationField{Name: "ancestor", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
		&core.RelationField{Name: "descendant", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
		&core.NumberField{Name: "depth", OnlyInt: true, Min: types.Pointer(0.0)},
	)
	// Down the tree (a subtree by level), up the tree (a person's chain),
	// and the pair every rule looks up.
	network.AddIndex("idx_network_pair", true, "ancestor, descendant", "")
	network.AddIndex("idx_network_down", false, "ancestor, depth, descendant", "")
	network.AddIndex("idx_network_up", false, "descendant, depth, ancestor", "")
	if err := app.Save(network); err != nil {
		return err
	}
	if role, ok := users.Fields.GetByName("role").(*core.SelectField); ok && !slices.Contains(role.Values, schema.RoleCoordinator) {
		role.Values = append(role.Values, schema.RoleCoordinator)
	}
	users.Fields.Add(&core.NumberField{Name: "subtree_goal", OnlyInt: true, Min: types.Pointer(0.0), Max: types.Pointer(10000000.0)})
	usersRule := schema.SeesUserRule("id")
	users.ListRule, users.ViewRule = types.Pointer(usersRule), types.Pointer(usersRule)
	if err := app.Save(users); err != nil {
		return err
	}

	if err := tree.RebuildClosure(app); err != nil {
		return err
	}

	info, err := app.FindCollectionByNameOrId(schema.CedulaInfoCollection)
	if err != nil {
		return err
	}
	infoRule := schema.SeesUserRule("user")
	info.ListRule, info.ViewRule = types.Pointer(infoRule), types.Pointer(infoRule)
	return app.Save(info)
}

func downRed(app core.App) error {
	info, err := app.FindCollectionByNameOrId(schema.CedulaInfoCollection)
	if err != nil {
		return err
	}
	info.ListRule, info.ViewRule = types.Pointer(cedulaInfoReadRule), types.Pointer(cedulaInfoReadRule)
	if err := app.Save(info); err != nil {
		return err
	}
	users, err := app.FindCollectionByNameOrId(schema.UsersCollection)
	if err != nil {
		return err
	}
	users.ListRule, users.ViewRule = types.Pointer(usersReadRule), types.Pointer(usersReadRule)
	if err := app.Save(users); err != nil {
		return err
	}
	if network, err := app.FindCollectionByNameOrId(schema.NetworkCollection); err == nil {
		if err := app.Delete(network); err != nil {
			return err
		}
	}
	users.Fields.RemoveByName("subtree_goal")
	if role, ok := users.Fields.GetByName("role").(*core.SelectField); ok {
		role.Values = slices.DeleteFunc(role.Values, func(v string) bool { return v == schema.RoleCoordinator })
	}
	return app.Save(users)
}
