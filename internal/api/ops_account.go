package api

import (
	"context"
	"encoding/json"
	"sync"

	"dtfund/apiclient"
)

// accountOps: who am I, and the document itself.
func accountOps() []*Operation {
	return group("account",
		op("GET", "/me", "GetMe", "当前用户（令牌或会话所属的账号、角色与辖区）", anyUser, getMe),
		op("GET", "/openapi.json", "GetOpenAPI", "本接口的 OpenAPI 3.0 文档", public, getOpenAPI).
			describe("由操作表自动生成：路径、参数、请求体与响应结构均来自接口声明及其 Go 类型。"),
	)
}

func getMe(_ context.Context, c *Call, _ *apiclient.None) (*apiclient.User, error) {
	u := userOut(c.Actor.User)
	if c.CSRFToken != "" {
		u.CSRFToken = &c.CSRFToken
	}
	return u, nil
}

var (
	docOnce sync.Once
	docJSON json.RawMessage
)

// documentJSON is the served document, generated once.
func documentJSON() json.RawMessage {
	docOnce.Do(func() {
		b, err := json.Marshal(BuildDocument(Operations()))
		if err != nil {
			panic("openapi document: " + err.Error())
		}
		docJSON = b
	})
	return docJSON
}

func getOpenAPI(context.Context, *Call, *apiclient.None) (*json.RawMessage, error) {
	doc := documentJSON()
	return &doc, nil
}
