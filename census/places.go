package census

// placeNames are the registrar's place names (departamentos and the larger
// municipios) as people write them, keyed by NormalizeKey of the
// registrar's capitals: "BOGOTA. D.C." reads "Bogotá D.C.". Names not here
// are shown in plain title case; the raw value is always kept on the record.
var placeNames = func() map[string]string {
	names := []string{
		// Departamentos.
		"Amazonas", "Antioquia", "Arauca", "Atlántico", "Bolívar", "Boyacá", "Caldas", "Caquetá", "Casanare",
		"Cauca", "Cesar", "Chocó", "Córdoba", "Cundinamarca", "Guainía", "Guaviare", "Huila", "La Guajira",
		"Magdalena", "Meta", "Nariño", "Norte de Santander", "Putumayo", "Quindío", "Risaralda", "San Andrés",
		"Santander", "Sucre", "Tolima", "Valle", "Valle del Cauca", "Vaupés", "Vichada", "Bogotá D.C.", "Bogotá",
		"Consulados",
		// Capitals and larger municipios.
		"Medellín", "Cali", "Barranquilla", "Cartagena", "Cartagena de Indias", "Cúcuta", "Bucaramanga", "Ibagué",
		"Pereira", "Santa Marta", "Manizales", "Villavicencio", "Pasto", "Montería", "Neiva", "Armenia",
		"Valledupar", "Popayán", "Sincelejo", "Tunja", "Riohacha", "Quibdó", "Florencia", "Yopal", "Mocoa",
		"Leticia", "San José del Guaviare", "Inírida", "Mitú", "Puerto Carreño", "Soacha", "Bello", "Itagüí",
		"Envigado", "Soledad", "Palmira", "Buenaventura", "Tuluá", "Facatativá", "Zipaquirá", "Chía", "Girón",
		"Floridablanca", "Piedecuesta", "Dosquebradas", "Sogamoso", "Duitama", "Girardot", "Fusagasugá",
		"Apartadó", "Turbo", "Rionegro", "Malambo", "Magangué", "Ciénaga", "Maicao", "Ipiales", "Tumaco",
		"Cartago", "Buga", "Guadalajara de Buga", "Jamundí", "Yumbo", "Barrancabermeja", "Ocaña", "Lorica",
		"Sahagún", "Caucasia", "Espinal", "Chiquinquirá", "Honda", "Mosquera", "Madrid", "Funza", "Cajicá",
		"Sabaneta", "La Estrella", "Caldas", "Copacabana", "Girardota", "Marinilla", "La Ceja", "Turbaco",
		"Arjona", "Puerto Colombia", "Galapa", "Sabanalarga", "Aguachica", "Pamplona", "Villa del Rosario",
		"Los Patios", "Calarcá", "Santa Rosa de Cabal", "La Dorada", "Chinchiná", "Garzón", "Pitalito",
		"Acacías", "Granada", "Puerto Asís", "Aguazul", "Tocancipá", "Sopó", "La Calera", "Cota", "Tenjo",
	}
	m := make(map[string]string, len(names)+2)
	for _, n := range names {
		m[NormalizeKey(n)] = n
	}
	m[NormalizeKey("BOGOTA. D.C.")] = "Bogotá D.C."
	m[NormalizeKey("BOGOTA, D.C.")] = "Bogotá D.C."
	return m
}()

// PlaceName is a registrar's place name as people write it ("MEDELLIN" is
// "Medellín"), "" when the name is not known.
func PlaceName(raw string) string { return placeNames[NormalizeKey(raw)] }
