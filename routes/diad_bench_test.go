package routes

import (
	"fmt"
	"io"
	"testing"
)

// BenchmarkDiaDWorkbook builds and writes the .xlsx of a coordinator with
// 20,000 people in 20 municipios (the target: ≤ 2 s with the query).
func BenchmarkDiaDWorkbook(b *testing.B) {
	people := make([]diadPerson, 20000)
	for i := range people {
		people[i] = diadPerson{
			ID: fmt.Sprintf("p%014d", i), Name: fmt.Sprintf("Persona Número %d", i), Cedula: fmt.Sprint(1000000000 + i),
			Phone: "3001234567", Leader: "Lucía Líder", Status: "active", Departamento: "ANTIOQUIA",
			Municipio: fmt.Sprintf("MUNICIPIO %02d", i/1000), Puesto: fmt.Sprintf("PUESTO %d", i/100),
			Direccion: "CL 10 # 20-30", Mesa: fmt.Sprint(i % 30),
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		f, err := diadWorkbook(people)
		if err != nil {
			b.Fatal(err)
		}
		n, err := f.WriteTo(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/1024, "KiB/file")
		_ = f.Close()
	}
}
