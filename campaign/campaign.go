// Package campaign reads the campaign's one record (its name, logo, colour,
// the data controller and the policy version), keeps it single, and serves
// what makes the web app installable under the campaign's brand: the
// manifest and the service worker.
package campaign

import (
	"errors"
	"fmt"
	"net/url"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/schema"
)

// Public is the campaign as anyone may read it: the brand and the data
// controller the policy names.
type Public struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	ShortName         string `json:"short_name"`
	PrimaryColor      string `json:"primary_color"`
	LogoURL           string `json:"logo_url,omitempty"`
	ControllerName    string `json:"controller_name"`
	ControllerID      string `json:"controller_id"`
	ControllerAddress string `json:"controller_address"`
	ControllerEmail   string `json:"controller_email"`
	ControllerPhone   string `json:"controller_phone"`
	ElectionDate      string `json:"election_date,omitempty"`
	PolicyVersion     string `json:"policy_version"`
}

// Defaults are what the app says when the record cannot be read (a fresh
// install mid-migration): Padrón's own brand and the shipped policy.
var Defaults = Public{Name: "Padrón", ShortName: "Padrón", PrimaryColor: "#0b4f8a", PolicyVersion: schema.PolicyVersion}

// Load returns the campaign's record.
func Load(app core.App) (*core.Record, error) {
	recs, err := app.FindRecordsByFilter(schema.CampaignCollection, "", "created", 1, 0)
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	if len(recs) == 0 {
		return nil, errors.New("campaign: no record")
	}
	return recs[0], nil
}

// Read returns the campaign's public fields, Defaults where the record is
// missing or a field is empty.
func Read(app core.App) Public {
	rec, err := Load(app)
	if err != nil {
		return Defaults
	}
	return FromRecord(rec)
}

// FromRecord is rec's public fields, Defaults where a field is empty.
func FromRecord(rec *core.Record) Public {
	p := Public{
		ID:                rec.Id,
		Name:              rec.GetString("name"),
		ShortName:         rec.GetString("short_name"),
		PrimaryColor:      rec.GetString("primary_color"),
		ControllerName:    rec.GetString("controller_name"),
		ControllerID:      rec.GetString("controller_id"),
		ControllerAddress: rec.GetString("controller_address"),
		ControllerEmail:   rec.GetString("controller_email"),
		ControllerPhone:   rec.GetString("controller_phone"),
		PolicyVersion:     rec.GetString("policy_version"),
	}
	if d := rec.GetDateTime("election_date"); !d.IsZero() {
		p.ElectionDate = d.Time().Format("2006-01-02")
	}
	if logo := rec.GetString("logo"); logo != "" {
		p.LogoURL = FileURL(rec, logo)
	}
	if p.Name == "" {
		p.Name = Defaults.Name
	}
	if p.ShortName == "" {
		p.ShortName = p.Name
	}
	if p.PrimaryColor == "" {
		p.PrimaryColor = Defaults.PrimaryColor
	}
	if p.PolicyVersion == "" {
		p.PolicyVersion = Defaults.PolicyVersion
	}
	return p
}

// FileURL is where PocketBase serves the campaign record's file name.
func FileURL(rec *core.Record, name string) string {
	return "/api/files/" + url.PathEscape(rec.Collection().Id) + "/" + url.PathEscape(rec.Id) + "/" + url.PathEscape(name)
}

// Controller is the data controller's name as the policy says it: the
// controller's own, else the campaign's.
func (p Public) Controller() string {
	if p.ControllerName != "" {
		return p.ControllerName
	}
	return p.Name
}

// versionCache holds the policy version in force per app, so the
// per-request check of a person's acceptance costs no query.
var versionCache sync.Map // core.App -> string

// PolicyVersion is the data policy's version in force: the campaign
// record's, cached until the record changes.
func PolicyVersion(app core.App) string {
	if v, ok := versionCache.Load(app); ok {
		return v.(string)
	}
	v := Read(app).PolicyVersion
	versionCache.Store(app, v)
	return v
}

// forgetVersions drops every cached version: the record changed, perhaps
// through a transaction's app, which is not the key the readers use.
func forgetVersions() {
	versionCache.Range(func(k, _ any) bool {
		versionCache.Delete(k)
		return true
	})
}
