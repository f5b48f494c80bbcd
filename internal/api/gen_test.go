package api

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite apiclient/operations.go")

// TestGeneratedClientIsCurrent keeps the client's methods in step with the
// operation table: adding an operation without regenerating fails here.
func TestGeneratedClientIsCurrent(t *testing.T) {
	want, err := ClientSource(Operations())
	if err != nil {
		t.Fatal(err)
	}
	const path = "../../apiclient/operations.go"
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("apiclient/operations.go is out of date: run `go generate ./apiclient`")
	}
}
