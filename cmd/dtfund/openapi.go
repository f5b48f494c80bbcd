package main

import (
	"context"
	"encoding/json"
	"fmt"

	"dtfund/internal/api"
)

const openapiUsage = `dtfund openapi

输出 JSON 接口（/api/v1）的 OpenAPI 3.0 文档，与服务器在 GET /api/v1/openapi.json 提供的内容相同。`

// cmdOpenAPI prints the API's document; it needs no database.
func cmdOpenAPI(_ context.Context, e env, args []string) error {
	if len(args) > 0 {
		fmt.Fprintln(e.stderr, openapiUsage)
		if args[0] == "-h" || args[0] == "--help" {
			return nil
		}
		return errUsage
	}
	b, err := json.MarshalIndent(api.BuildDocument(api.Operations()), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(e.stdout, string(b))
	return err
}
