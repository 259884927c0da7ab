package census

// labels are the statuses as people read them, in the web app and in the
// leaders' spreadsheet alike (pb_public/assets/js/census.js carries the
// same labels; a routes test keeps the two equal).
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

// Label is status in the Spanish a campaign member reads; an unknown
// status reads as not checked yet.
func Label(status string) string {
	if l, ok := labels[status]; ok {
		return l
	}
	return "Sin consultar"
}
