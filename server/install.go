package server

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// noInstaller turns off PocketBase's installer, which opens a desktop
// browser on the first start (a campaign's server has none) and prints a
// link carrying a superuser token into whatever keeps the console output;
// the log says how to create the first superuser instead.
func noInstaller(se *core.ServeEvent) {
	se.InstallerFunc = nil
	n, err := se.App.CountRecords(core.CollectionNameSuperusers,
		dbx.Not(dbx.HashExp{"email": core.DefaultInstallerEmail}))
	if err == nil && n == 0 {
		warnAtStart(se.App, "no superuser yet: create one with `padron superuser upsert EMAIL PASSWORD`, then sign in at /_/")
	}
}
