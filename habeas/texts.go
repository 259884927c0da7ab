// Package habeas carries out Colombia's habeas data law (Ley 1581 de 2012,
// SIC Circular Externa 002 de 2026) for Padrón: the authorisation texts and
// their hashes, the append-only consents record, a person's own export and
// withdrawal, the renewed acceptance a new policy version asks for, and the
// post-election deletion a superuser schedules.
package habeas

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/padron/padron/campaign"
)

// Purposes a person authorises separately.
const (
	// PurposeProcessing is processing the data for the network and the census check: required.
	PurposeProcessing = "processing"
	// PurposeMessaging is being contacted by WhatsApp or SMS: optional, off by default.
	PurposeMessaging = "messaging"
)

// Text is one authorisation as shown to a person, with the hash recorded
// when they give it.
type Text struct {
	Purpose  string `json:"purpose"`
	Required bool   `json:"required"`
	Text     string `json:"text"`
	SHA256   string `json:"sha256"`
}

// Texts are the policy in force as the registration and acceptance screens
// show it: the version, the short privacy notice and each authorisation.
type Texts struct {
	Version    string `json:"version"`
	Controller string `json:"controller"`
	Notice     string `json:"notice"`
	Processing Text   `json:"processing"`
	Messaging  Text   `json:"messaging"`
}

// TextsFor builds the texts from the campaign's public fields: the
// controller is named in them, so a new controller makes new hashes.
func TextsFor(p campaign.Public) Texts {
	who := p.Controller()
	notice := fmt.Sprintf("Aviso de privacidad: %s es responsable del tratamiento de tus datos personales "+
		"(nombre, cédula, celular y quién te invitó). Los usamos para organizar la red de referidos de la campaña "+
		"y verificar tu inscripción en el censo electoral; el resultado de tu consulta lo ven quien te invitó y los "+
		"líderes y coordinadores por encima de ti en la red. Tu afinidad política es un dato sensible: no estás "+
		"obligado a darla. Puedes conocer, actualizar, rectificar y descargar tus datos, y retirar tu autorización, "+
		"desde tu perfil.", who)
	processing := fmt.Sprintf("Autorizo a %s a tratar mis datos personales, incluido el dato sensible de mi "+
		"afinidad política, para la red de referidos y la verificación de mi inscripción en el censo electoral, "+
		"según la política de tratamiento de datos versión %s.", who, p.PolicyVersion)
	messaging := fmt.Sprintf("Autorizo a %s a contactarme por WhatsApp o SMS al celular que registré "+
		"(opcional; puedo retirarlo cuando quiera desde mi perfil).", who)
	return Texts{
		Version: p.PolicyVersion, Controller: who, Notice: notice,
		Processing: Text{Purpose: PurposeProcessing, Required: true, Text: processing, SHA256: Hash(processing)},
		Messaging:  Text{Purpose: PurposeMessaging, Text: messaging, SHA256: Hash(messaging)},
	}
}

// Of returns the text of purpose, false for an unknown purpose.
func (t Texts) Of(purpose string) (Text, bool) {
	switch purpose {
	case PurposeProcessing:
		return t.Processing, true
	case PurposeMessaging:
		return t.Messaging, true
	}
	return Text{}, false
}

// Hash is the hex sha256 of the exact text shown.
func Hash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}
