package policy

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// BenchmarkEvaluate measures one full decision on the example input (input
// already decoded, as the application layer holds it), reported as
// decisions/s. It also reports x_json_decode: how many times faster a
// decision is than json-decoding the same input with encoding/json, measured
// in interleaved batches in the same run, so the ratio holds on a noisy
// machine. Run with
//
//	go test -run='^$' -bench=Evaluate -cpu=1 ./policy/
func BenchmarkEvaluate(b *testing.B) {
	p := Default()
	in, err := DecodeInput(bytes.NewReader(ExampleInput))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if d := Evaluate(p, in); !d.CentralEligible || d.MaxSubsidyFen != 28_800_000 {
			b.Fatal("example must be eligible for 28.8万元")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
	b.ReportMetric(interleavedRatio(b, p, in, b.N), "x_json_decode")
}

// interleavedRatio alternates batches of decoding and evaluating and returns
// decode time / evaluate time.
func interleavedRatio(b *testing.B, p *Params, in *Input, n int) float64 {
	const rounds = 20
	batch := max(n/rounds, 50)
	var eval, decode time.Duration
	for range rounds {
		start := time.Now()
		for range batch {
			Evaluate(p, in)
		}
		eval += time.Since(start)
		start = time.Now()
		for range batch {
			var x Input
			if err := json.Unmarshal(ExampleInput, &x); err != nil {
				b.Fatal(err)
			}
		}
		decode += time.Since(start)
	}
	return float64(decode) / float64(eval)
}

// BenchmarkDecodeAndEvaluate includes DecodeInput (JSON, validation, USCC).
func BenchmarkDecodeAndEvaluate(b *testing.B) {
	p := Default()
	b.ReportAllocs()
	for b.Loop() {
		in, err := DecodeInput(bytes.NewReader(ExampleInput))
		if err != nil {
			b.Fatal(err)
		}
		Evaluate(p, in)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}
