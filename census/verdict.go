package census

// statusByOutcome maps the registrar's answer to the record's status.
var statusByOutcome = map[Outcome]string{
	OutcomeFound:             StatusActive,
	OutcomeNotFound:          StatusNotFound,
	OutcomeCancelledDeceased: StatusCancelledDeceased,
	OutcomeCancelledOther:    StatusCancelledOther,
}

// retryable classes are worth another attempt after a backoff.
var retryable = []error{ErrTimeout, ErrBlocked, ErrTransient, ErrCaptcha, ErrCaptchaUnreachable}

// messages are the Spanish sentences a person reads on the record; the
// English detail goes to the logs and the attempt history.
var messages = map[error]string{
	ErrBlocked:            "La Registraduría bloqueó temporalmente la consulta.",
	ErrTimeout:            "La Registraduría no respondió a tiempo.",
	ErrCaptcha:            "No se pudo resolver el captcha de la Registraduría.",
	ErrCaptchaConfig:      "El servicio de captcha no está configurado correctamente (clave o saldo). Un administrador debe revisarlo.",
	ErrCaptchaUnreachable: "El servicio de captcha no respondió; la Registraduría no fue consultada.",
	ErrTransient:          "La Registraduría tuvo una falla momentánea.",
	ErrSiteChanged:        "La página de la Registraduría cambió y no pudimos leer la respuesta. Un administrador debe revisarlo.",
}

// unexpectedMessage is what a person reads about a failure of no known class.
const unexpectedMessage = "La consulta falló por un error inesperado."

// retryNote is added to the message of a failure that will be retried.
const retryNote = " Lo intentaremos de nuevo automáticamente."

// StatusOf is the record's status for the registrar's answer, "" for an
// outcome the registrar never gives.
func StatusOf(o Outcome) string { return statusByOutcome[o] }

// Retryable reports whether a failure of err's class is worth another
// attempt after a backoff; a misconfiguration or an unreadable page is not.
func Retryable(err error) bool {
	class := ClassOf(err)
	for _, c := range retryable {
		if class == c {
			return true
		}
	}
	return false
}

// FailedStatus is the record's status once a check failed for good: timeout
// and blocked say so, every other failure is error.
func FailedStatus(err error) string {
	switch ClassOf(err) {
	case ErrTimeout:
		return StatusTimeout
	case ErrBlocked:
		return StatusBlocked
	}
	return StatusError
}

// Message is the Spanish sentence a person reads on the record about a
// failure of err's class.
func Message(err error) string {
	if msg, ok := messages[ClassOf(err)]; ok {
		return msg
	}
	return unexpectedMessage
}
