package habeas

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/apierrors"
	"github.com/padron/padron/campaign"
	"github.com/padron/padron/schema"
)

// CodeAcceptanceRequired is the code (and the PolicyHeader value) that says
// a person accepted an older policy version and must accept the one in
// force at their next visit.
const CodeAcceptanceRequired = "policy_acceptance_required"

// PolicyHeader is set on every API answer to a person who must accept the
// policy in force, so any client notices whatever it asked.
const PolicyHeader = "X-Padron-Policy"

// consentBodyLimit bounds the consent body: three short fields.
const consentBodyLimit = 4 << 10

func errPeopleOnly() *router.ApiError {
	return apierrors.New(http.StatusForbidden, "people_only", "Esta función es para las personas registradas; los administradores no tienen datos propios aquí.", nil)
}

func errAuthRequired() *router.ApiError {
	return apierrors.New(http.StatusUnauthorized, "auth_required", "Inicia sesión para continuar.", nil)
}

// person is the request's registered person, or the error to answer.
func person(e *core.RequestEvent) (*core.Record, error) {
	switch {
	case e.Auth == nil:
		return nil, errAuthRequired()
	case e.Auth.Collection().Name != schema.UsersCollection:
		return nil, errPeopleOnly()
	}
	return e.Auth, nil
}

// mustAccept reports whether user accepted a policy version other than the
// one in force.
func mustAccept(app core.App, user *core.Record) bool {
	return user.GetString("data_policy_version") != campaign.PolicyVersion(app)
}

// policyHeader tells every API answer to a person who must accept the
// policy in force so, after the auth token is read.
func policyHeader() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "padronPolicyHeader",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			if a := e.Auth; a != nil && a.Collection().Name == schema.UsersCollection &&
				strings.HasPrefix(e.Request.URL.Path, "/api/") && mustAccept(e.App, a) {
				e.Response.Header().Set(PolicyHeader, CodeAcceptanceRequired)
			}
			return e.Next()
		},
	}
}

// consentState is GET /api/me/consents: where the person stands and their
// whole record of authorisations.
type consentState struct {
	PolicyVersion      string          `json:"policy_version"`
	AcceptedVersion    string          `json:"accepted_version"`
	AcceptedAt         string          `json:"accepted_at"`
	AcceptanceRequired bool            `json:"acceptance_required"`
	Code               string          `json:"code,omitempty"`
	ContactConsent     bool            `json:"contact_consent"`
	Texts              Texts           `json:"texts"`
	History            []consentRecord `json:"history"`
}

type consentRecord struct {
	Purpose       string `json:"purpose"`
	Granted       bool   `json:"granted"`
	PolicyVersion string `json:"policy_version"`
	TextSHA256    string `json:"text_sha256"`
	Source        string `json:"source"`
	Created       string `json:"created"`
}

func history(app core.App, userID string) ([]consentRecord, error) {
	recs, err := app.FindRecordsByFilter(schema.ConsentsCollection, "user_id = {:id}", "created", 0, 0, map[string]any{"id": userID})
	if err != nil {
		return nil, fmt.Errorf("consents of %s: %w", userID, err)
	}
	out := make([]consentRecord, 0, len(recs))
	for _, r := range recs {
		out = append(out, consentRecord{
			Purpose: r.GetString("purpose"), Granted: r.GetBool("granted"),
			PolicyVersion: r.GetString("policy_version"), TextSHA256: r.GetString("text_sha256"),
			Source: r.GetString("source"), Created: r.GetDateTime("created").String(),
		})
	}
	return out, nil
}

func state(app core.App, user *core.Record) (consentState, error) {
	texts := TextsFor(campaign.Read(app))
	h, err := history(app, user.Id)
	if err != nil {
		return consentState{}, err
	}
	s := consentState{
		PolicyVersion: texts.Version, AcceptedVersion: user.GetString("data_policy_version"),
		AcceptedAt: user.GetDateTime("data_policy_accepted_at").String(), ContactConsent: user.GetBool("contact_consent"),
		Texts: texts, History: h,
	}
	if s.AcceptedVersion != s.PolicyVersion {
		s.AcceptanceRequired, s.Code = true, CodeAcceptanceRequired
	}
	return s, nil
}

func getConsents(e *core.RequestEvent) error {
	user, err := person(e)
	if err != nil {
		return err
	}
	s, err := state(e.App, user)
	if err != nil {
		return e.InternalServerError("No pudimos leer tus autorizaciones.", err)
	}
	return e.JSON(http.StatusOK, s)
}

type consentBody struct {
	Purpose    string `json:"purpose"`
	Granted    *bool  `json:"granted"`
	TextSHA256 string `json:"text_sha256"`
}

// postConsent gives or withdraws one authorisation: accepting the policy in
// force, turning messaging on or off, or withdrawing the processing one,
// which ends processing and deletes the account at once.
func postConsent(e *core.RequestEvent) error {
	user, err := person(e)
	if err != nil {
		return err
	}
	var b consentBody
	dec := json.NewDecoder(e.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil || b.Granted == nil {
		return apierrors.New(http.StatusBadRequest, "invalid_body", `Envía {"purpose", "granted", "text_sha256"}.`, nil)
	}
	texts := TextsFor(campaign.Read(e.App))
	text, ok := texts.Of(b.Purpose)
	if !ok {
		return apierrors.New(http.StatusBadRequest, "invalid_purpose", `La autorización debe ser "processing" o "messaging".`, nil)
	}
	if *b.Granted && b.TextSHA256 != text.SHA256 {
		return apierrors.New(http.StatusConflict, "policy_outdated",
			"El texto de la autorización cambió. Recarga la página y revísalo de nuevo.", map[string]any{"texts": texts})
	}
	switch {
	case b.Purpose == PurposeProcessing && !*b.Granted:
		if err := Withdraw(e.App, user); err != nil {
			return e.InternalServerError("No pudimos eliminar tu cuenta. Inténtalo de nuevo.", err)
		}
		return e.JSON(http.StatusOK, map[string]any{"deleted": true})
	case b.Purpose == PurposeProcessing:
		err = e.App.RunInTransaction(func(tx core.App) error {
			fresh, err := tx.FindRecordById(schema.UsersCollection, user.Id)
			if err != nil {
				return err
			}
			fresh.Set("data_policy_version", texts.Version)
			fresh.Set("data_policy_accepted_at", nowUTC())
			if err := tx.Save(fresh); err != nil {
				return err
			}
			return Append(tx, user.Id, PurposeProcessing, true, texts.Version, text.SHA256, SourceAcceptance)
		})
	default:
		err = e.App.RunInTransaction(func(tx core.App) error {
			fresh, err := tx.FindRecordById(schema.UsersCollection, user.Id)
			if err != nil {
				return err
			}
			fresh.Set("contact_consent", *b.Granted)
			if err := tx.Save(fresh); err != nil {
				return err
			}
			return Append(tx, user.Id, PurposeMessaging, *b.Granted, texts.Version, text.SHA256, SourceProfile)
		})
	}
	if err != nil {
		return e.InternalServerError("No pudimos guardar tu autorización. Inténtalo de nuevo.", err)
	}
	fresh, err := e.App.FindRecordById(schema.UsersCollection, user.Id)
	if err != nil {
		return e.InternalServerError("No pudimos leer tus autorizaciones.", err)
	}
	s, err := state(e.App, fresh)
	if err != nil {
		return e.InternalServerError("No pudimos leer tus autorizaciones.", err)
	}
	if !s.AcceptanceRequired {
		e.Response.Header().Del(PolicyHeader) // set before this request accepted
	}
	return e.JSON(http.StatusOK, s)
}

// Withdraw records that user withdrew every authorisation they held and
// deletes their account (their census record and attempts go with it).
func Withdraw(app core.App, user *core.Record) error {
	texts := TextsFor(campaign.Read(app))
	return app.RunInTransaction(func(tx core.App) error {
		if err := Append(tx, user.Id, PurposeProcessing, false, texts.Version, texts.Processing.SHA256, SourceWithdrawal); err != nil {
			return err
		}
		if user.GetBool("contact_consent") {
			if err := Append(tx, user.Id, PurposeMessaging, false, texts.Version, texts.Messaging.SHA256, SourceWithdrawal); err != nil {
				return err
			}
		}
		if err := tx.Delete(user); err != nil {
			return fmt.Errorf("withdraw %s: delete: %w", user.Id, err)
		}
		return nil
	})
}

// bindSelfDeletion records a withdrawal when a person deletes their own
// account through the records API: deleting it is withdrawing consent.
func bindSelfDeletion(app core.App) {
	app.OnRecordDeleteRequest(schema.UsersCollection).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Auth == nil || e.Auth.Collection().Name != schema.UsersCollection || e.Auth.Id != e.Record.Id {
			return e.Next()
		}
		user := e.Record
		if err := e.Next(); err != nil {
			return err
		}
		texts := TextsFor(campaign.Read(e.App))
		err := Append(e.App, user.Id, PurposeProcessing, false, texts.Version, texts.Processing.SHA256, SourceWithdrawal)
		if err == nil && user.GetBool("contact_consent") {
			err = Append(e.App, user.Id, PurposeMessaging, false, texts.Version, texts.Messaging.SHA256, SourceWithdrawal)
		}
		if err != nil {
			e.App.Logger().Error("self-deletion: withdrawal not recorded", "user", user.Id, "error", err)
		}
		return nil
	})
}
