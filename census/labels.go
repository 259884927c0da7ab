package census

// labels are the statuses as people read them, in the web app and in the
// leaders' spreadsheet alike (the app reads them from census-vocab.js,
// which go generate writes from here).
var labels = map[string]string{
	StatusPending:           "En cola",
	StatusProcessing:        "Consultando",
	StatusActive:            "Habilitada",
	StatusNotFound:          "No aparece en el censo",
	StatusCancelledDeceased: "Cancelada por muerte",
	StatusCancelledOther:    "Con novedad",
	StatusError:             "Error al consultar",
	StatusTimeout:           "Sin respuesta",
	StatusBlocked:           "Consulta bloqueada",
}

// unknownLabel is the label of a record without a status.
const unknownLabel = "Sin consultar"

// meanings say what each status means to the person whose cédula it is,
// and what to do next, in one plain sentence.
var meanings = map[string]string{
	StatusPending:           "Tu cédula está en la fila para consultarse en la Registraduría. No tienes que hacer nada.",
	StatusProcessing:        "Estamos consultando tu cédula en la Registraduría en este momento.",
	StatusActive:            "Tu cédula está habilitada para votar. Este es tu lugar de votación.",
	StatusNotFound:          "La Registraduría no encontró tu cédula en el censo electoral. Si nunca la inscribiste o cambiaste de ciudad, inscríbela en la Registraduría; si crees que el número está mal, pide ayuda a quien te invitó.",
	StatusCancelledDeceased: "La Registraduría reporta esta cédula como cancelada por muerte. Si es un error, acude a la Registraduría con tu documento.",
	StatusCancelledOther:    "La Registraduría reporta una novedad sobre tu cédula. Acude a la Registraduría con la resolución que aparece abajo.",
	// A failed check, to a member: getting an answer is the system's job,
	// not theirs, and the reason is not the public's business (leaders
	// read it, see leaderMeanings and failureWords).
	StatusError:   "Aún no pudimos completar la consulta de tu cédula. Seguimos intentando automáticamente; no tienes que hacer nada.",
	StatusTimeout: "La Registraduría tardó en responder. Seguimos intentando automáticamente; no tienes que hacer nada.",
	StatusBlocked: "Aún no tenemos la respuesta de la Registraduría. Seguimos intentando automáticamente; no tienes que hacer nada.",
}

// leaderMeanings say what each status means about one of the leader's
// people, in the third person, with the leader's next step.
var leaderMeanings = map[string]string{
	StatusPending:           "Su cédula está en la fila para consultarse en la Registraduría.",
	StatusProcessing:        "Estamos consultando su cédula en la Registraduría en este momento.",
	StatusActive:            "Puede votar. Este es su lugar de votación.",
	StatusNotFound:          "La Registraduría no encontró esta cédula en el censo electoral. Confirma el número con la persona; si está bien, debe inscribirla en la Registraduría.",
	StatusCancelledDeceased: "La Registraduría reporta esta cédula como cancelada por muerte. Si es un error, la persona o su familia deben acudir a la Registraduría con el documento.",
	StatusCancelledOther:    "La Registraduría reporta una novedad sobre esta cédula. Pide a la persona que acuda a la Registraduría con la resolución.",
	StatusError:             "La consulta falló por un problema técnico. Pide una nueva consulta con «Consultar»; si se repite, avisa al administrador.",
	StatusTimeout:           "La Registraduría no respondió a tiempo. Pide una nueva consulta en unos minutos.",
	StatusBlocked:           "La Registraduría está limitando las consultas automáticas. Pide una nueva consulta más tarde; no hace falta contactar a la persona.",
}

// nextSteps are the leaders' worklist lines: what to do about one person,
// "{nombre}" standing for their first name; statuses that need nothing
// from the leader have none.
var nextSteps = map[string]string{
	StatusNotFound:          "{nombre} no aparece en el censo: confirma su cédula",
	StatusCancelledDeceased: "La cédula de {nombre} figura cancelada por muerte: verifica si es un error",
	StatusCancelledOther:    "La cédula de {nombre} tiene una novedad: revísala con esa persona",
	StatusError:             "No pudimos consultar a {nombre}: pide otra consulta",
	StatusTimeout:           "La Registraduría no respondió por {nombre}: pide otra consulta",
	StatusBlocked:           "La consulta de {nombre} quedó bloqueada: pide otra consulta más tarde",
}

// unknownMeaning is the meaning of a record without a status.
const unknownMeaning = "Aún no hay datos de la Registraduría."

// failureWords say what went wrong in a check that failed for good, to a
// person rather than an engineer (the record's error_message and the
// attempt history keep the detail for administrators).
var failureWords = map[string]string{
	StatusError:   "La consulta falló por un problema técnico; un administrador puede ver el detalle.",
	StatusTimeout: "La página de la Registraduría tardó demasiado en responder.",
	StatusBlocked: "La Registraduría bloqueó temporalmente las consultas automáticas.",
}

// LabelOf is a record's label with its novedad read by meaning: a
// cancelled_other record reads as its group says ("Vigente, no puede
// votar", "Cédula en trámite", "Cancelada"), as in the web app.
func LabelOf(status, novedad string) string {
	if status == StatusCancelledOther {
		if g := NovedadGroup(novedad); g != "" {
			return novedadWords[g].Label
		}
	}
	return Label(status)
}

// LeaderMeaning is what status means about one of a leader's people, in
// the third person with the leader's next step.
func LeaderMeaning(status string) string {
	if m, ok := leaderMeanings[status]; ok {
		return m
	}
	return unknownMeaning
}

// NextStep is the leaders' worklist line for status, "{nombre}" standing
// for the person's first name; "" when the leader need not act.
func NextStep(status string) string { return nextSteps[status] }

// Label is status in the Spanish a campaign member reads; an unknown
// status reads as not checked yet.
func Label(status string) string {
	if l, ok := labels[status]; ok {
		return l
	}
	return unknownLabel
}

// Meaning is what status means to the person whose cédula it is, in one
// Spanish sentence that says what to do next.
func Meaning(status string) string {
	if m, ok := meanings[status]; ok {
		return m
	}
	return unknownMeaning
}

// FailureWords is what went wrong in a check that ended in one of Failed,
// in words for a person; "" for every other status.
func FailureWords(status string) string { return failureWords[status] }
