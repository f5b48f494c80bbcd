package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"dtfund/policy"
)

const policyUsage = `dtfund policy <操作>

操作：
  explain [--json] [文件|-]   读取申报主体与申报事项的 JSON（默认从标准输入），逐条输出资格判定与奖补上限
  example                     输出一份示例输入 JSON

输入格式见 README 的“政策计算”一节。`

func cmdPolicy(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, policyUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "example":
		_, err := e.stdout.Write(policy.ExampleInput)
		return err
	case "explain":
		return policyExplain(e, args[1:])
	}
	fmt.Fprintln(e.stderr, policyUsage)
	return errUsage
}

func policyExplain(e env, args []string) error {
	fs := newFlagSet("policy explain", "逐条说明资格判定与奖补上限", e)
	asJSON := fs.Bool("json", false, "以 JSON 输出判定结果")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return errUsage
	}
	var r io.Reader = e.stdin
	if name := fs.Arg(0); name != "" && name != "-" {
		b, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("读取输入文件：%w", err)
		}
		r = bytes.NewReader(b)
	}
	in, err := policy.DecodeInput(r)
	if err != nil {
		return err
	}
	d := policy.Evaluate(nil, in)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	_, err = io.WriteString(e.stdout, d.Text())
	return err
}
