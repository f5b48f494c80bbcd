package policy

import _ "embed"

// ExampleInput is a small, realistic, valid input document (a medium-sized
// auto-parts maker in 朝阳区 claiming a 第七条（一） retrofit subsidy under a
// call that sets a 10-point uplift for production-manufacturing retrofits),
// for the README and the CLI's help. It is testdata/example.json.
//
//go:embed testdata/example.json
var ExampleInput []byte
