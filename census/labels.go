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
	StatusCancelledOther:    "Cancelada",
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
	StatusNotFound:          "La Registraduría no encontró esta cédula en el censo electoral. Revisa el número en tu perfil; si está bien, inscríbela en la Registraduría.",
	StatusCancelledDeceased: "La Registraduría reporta esta cédula como cancelada por muerte. Si es un error, acude a la Registraduría con tu documento.",
	StatusCancelledOther:    "La Registraduría reporta una novedad que cancela esta cédula. Acude a la Registraduría con la resolución que aparece abajo.",
	StatusError:             "No pudimos completar la consulta. Pide una nueva consulta más tarde.",
	StatusTimeout:           "La Registraduría no respondió a tiempo. Pide una nueva consulta en unos minutos.",
	StatusBlocked:           "La Registraduría está limitando las consultas. Pide una nueva consulta más tarde.",
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
