package demo

// Colombian first names and surnames, common enough that a campaign's list
// looks real, with the accents people write.
var (
	// Given names by gender, so a second name agrees with the first.
	givenNames = [2][]string{
		{"María", "Ana", "Luz", "Diana", "Sandra", "Claudia", "Paola", "Yolanda", "Marta", "Natalia",
			"Ángela", "Gloria", "Liliana", "Nubia", "Daniela", "Valentina", "Laura", "Carolina", "Adriana", "Leidy",
			"Yuliana", "Marisol", "Esperanza", "Sofía", "Beatriz", "Alba", "Johana", "Rocío", "Ximena", "Luisa"},
		{"José", "Luis", "Carlos", "Juan", "Jorge", "Andrés", "Jhon", "Diego", "Óscar", "Fabián",
			"Édgar", "Camilo", "Julián", "Wilson", "Hernán", "Sebastián", "Alejandro", "Santiago", "Felipe", "Mauricio",
			"Iván", "Yeison", "Brayan", "Duván", "Rubén", "Germán", "Nelson", "Ramiro", "Fredy", "Álvaro"},
	}
	middleNames = [2][]string{
		{"Alejandra", "Andrea", "Patricia", "Marcela", "del Carmen", "Milena", "Lucía", "Stella", "Fernanda", "Isabel"},
		{"Fernando", "Eduardo", "Alberto", "Antonio", "Esteban", "David", "Enrique", "Mario", "Andrés", "Felipe"},
	}
	surnames = []string{
		"Rodríguez", "Gómez", "González", "Martínez", "García", "López", "Hernández", "Sánchez", "Ramírez", "Pérez",
		"Díaz", "Muñoz", "Rojas", "Moreno", "Jiménez", "Vargas", "Castro", "Gutiérrez", "Álvarez", "Ruiz",
		"Ortiz", "Suárez", "Torres", "Quintero", "Ospina", "Cardona", "Londoño", "Valencia", "Cuéllar", "Perdomo",
		"Trujillo", "Polanía", "Cabrera", "Manrique", "Artunduaga", "Charry", "Bahamón", "Tovar", "Losada", "Salazar",
		"Rincón", "Mejía", "Osorio", "Restrepo", "Zapata", "Benavides", "Ibarra", "Calderón", "Murcia", "Quiroga",
	}
)

// mobilePrefixes are Colombian mobile operators' first three digits.
var mobilePrefixes = []string{"300", "301", "302", "304", "310", "311", "312", "313", "314", "315", "316", "317", "318", "319", "320", "321", "322", "323", "350", "351"}

// puesto is one polling station of the demo campaign's departamento.
type puesto struct{ municipio, nombre, direccion string }

// departamento is where the demo campaign runs: the Huila, whose
// municipios and polling stations make the stats by place worth reading.
const departamento = "HUILA"

// puestos are the polling stations the fake registrar answers for the demo's
// cédulas, grouped by municipio (the order of zones, below).
var puestos = []puesto{
	{"NEIVA", "I.E. INEM JULIAN MOTTA SALAS", "CL 21 # 1B - 30"},
	{"NEIVA", "COLEGIO SANTA LIBRADA", "CL 8 # 5 - 20"},
	{"NEIVA", "UNIVERSIDAD SURCOLOMBIANA", "AV PASTRANA # 1 - 00"},
	{"NEIVA", "I.E. CEINAR", "CR 7 # 26 - 45"},
	{"PITALITO", "I.E. MUNICIPAL JOSE EUSTASIO RIVERA", "CL 5 # 3 - 12"},
	{"PITALITO", "COLISEO CUBIERTO", "CR 4 # 9 - 60"},
	{"PITALITO", "I.E. NORMAL SUPERIOR", "CL 10 # 2 - 35"},
	{"GARZON", "I.E. SIMON BOLIVAR", "CR 8 # 6 - 40"},
	{"GARZON", "ESCUELA URBANA MIXTA", "CL 4 # 11 - 15"},
	{"LA PLATA", "I.E. SAN SEBASTIAN", "CR 3 # 4 - 28"},
	{"LA PLATA", "PLAZA PRINCIPAL", "CL 5 # 5 - 10"},
	{"CAMPOALEGRE", "I.E. JORGE ELIECER GAITAN", "CL 18 # 7 - 22"},
	{"CAMPOALEGRE", "CASA DE LA CULTURA", "CR 9 # 15 - 04"},
}

// zones are the municipios the coordinators' branches work, one per
// coordinator in turn; most of a branch votes in its zone.
var zones = []string{"NEIVA", "PITALITO", "GARZON", "LA PLATA", "CAMPOALEGRE"}
