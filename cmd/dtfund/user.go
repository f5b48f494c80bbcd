package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"dtfund"
	"dtfund/internal/app"
	"dtfund/internal/store"
)

const userUsage = `dtfund user <操作> [参数]

操作：
  add             新建用户：--username --name --role [--email 邮箱] [--district 代码] [--org-uscc 代码] --password-stdin
  disable         停用：--username（同时注销其全部会话）
  enable          启用：--username
  reset-password  重置密码：--username --password-stdin（同时注销其全部会话）
  set-role        设置角色与辖区：--username --role [--district 代码] [--org-uscc 代码]
  list            列出用户

角色：applicant district_miit district_finance city_miit city_finance expert inspector admin
密码从标准输入读取一行，避免出现在进程列表和命令历史中。`

func cmdUser(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, userUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	op, args := args[0], args[1:]
	var c dbConfig
	fs := newFlagSet("user "+op, "用户管理", e)
	c.register(fs, e)
	username := fs.String("username", "", "用户名")
	name := fs.String("name", "", "姓名")
	email := fs.String("email", "", "电子邮箱（接收通知，可选）")
	role := fs.String("role", "", "角色")
	district := fs.String("district", "", "辖区代码（县区角色）")
	orgUSCC := fs.String("org-uscc", "", "所属单位的统一社会信用代码（申报主体）")
	pwStdin := fs.Bool("password-stdin", false, "从标准输入读取密码")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := c.open(ctx, e, defaultDBFile)
	if err != nil {
		return err
	}
	defer a.DB.Close()
	if err := a.DB.CheckSchema(ctx); err != nil {
		return err
	}
	actor := app.SystemActor("cli")
	readPassword := func() (string, error) {
		if !*pwStdin {
			return "", fmt.Errorf("请用 --password-stdin 从标准输入提供密码")
		}
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("读取密码：%w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	switch op {
	case "add":
		return userAdd(ctx, e, a, actor, &dtfund.User{Username: *username, DisplayName: *name, Email: *email,
			Role: dtfund.Role(*role), DistrictCode: *district}, *orgUSCC, readPassword)
	case "disable", "enable":
		return userSetDisabled(ctx, e, a, actor, *username, op == "disable")
	case "reset-password":
		return userResetPassword(ctx, e, a, actor, *username, readPassword)
	case "set-role":
		return userSetRole(ctx, e, a, actor, *username, *role, *district, *orgUSCC)
	case "list":
		return userList(ctx, e, a)
	}
	fmt.Fprintln(e.stderr, userUsage)
	return errUsage
}

func userAdd(ctx context.Context, e env, a *app.App, actor app.Actor, u *dtfund.User, orgUSCC string, pw func() (string, error)) error {
	if err := resolveOrg(ctx, a, orgUSCC, &u.OrgID); err != nil {
		return err
	}
	password, err := pw()
	if err != nil {
		return err
	}
	if err := a.CreateUser(ctx, actor, u, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已创建用户 %s（%s，ID %d）\n", u.Username, u.Role.Label(), u.ID)
	return nil
}

func resolveOrg(ctx context.Context, a *app.App, code string, id *int64) error {
	if code == "" {
		return nil
	}
	o, err := a.DB.OrganizationByUSCC(ctx, strings.TrimSpace(code))
	if err != nil {
		return err
	}
	*id = o.ID
	return nil
}

func lookupUser(ctx context.Context, a *app.App, username string) (*dtfund.User, error) {
	if username == "" {
		return nil, dtfund.FieldError("username", "请用 --username 指定用户名")
	}
	return a.UserByUsername(ctx, username)
}

func userSetDisabled(ctx context.Context, e env, a *app.App, actor app.Actor, username string, disabled bool) error {
	u, err := lookupUser(ctx, a, username)
	if err != nil {
		return err
	}
	if _, err := a.UpdateUser(ctx, actor, u.ID, app.UserChange{Disabled: &disabled}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "用户 %s 已%s\n", username, map[bool]string{true: "停用", false: "启用"}[disabled])
	return nil
}

func userResetPassword(ctx context.Context, e env, a *app.App, actor app.Actor, username string, pw func() (string, error)) error {
	u, err := lookupUser(ctx, a, username)
	if err != nil {
		return err
	}
	password, err := pw()
	if err != nil {
		return err
	}
	if err := a.ResetPassword(ctx, actor, u.ID, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "用户 %s 的密码已重置，其全部会话已失效\n", username)
	return nil
}

func userSetRole(ctx context.Context, e env, a *app.App, actor app.Actor, username, role, district, orgUSCC string) error {
	u, err := lookupUser(ctx, a, username)
	if err != nil {
		return err
	}
	r := dtfund.Role(role)
	var orgID int64
	if err := resolveOrg(ctx, a, orgUSCC, &orgID); err != nil {
		return err
	}
	if _, err := a.UpdateUser(ctx, actor, u.ID, app.UserChange{Role: &r, DistrictCode: &district, OrgID: &orgID}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "用户 %s 的角色已设为 %s\n", username, r.Label())
	return nil
}

func userList(ctx context.Context, e env, a *app.App) error {
	for offset := 0; ; offset += 200 {
		users, _, err := a.DB.FindUsers(ctx, store.UserFilter{Page: store.Page{Offset: offset, Limit: 200}})
		if err != nil {
			return err
		}
		for _, u := range users {
			status := "正常"
			if u.Disabled {
				status = "停用"
			}
			fmt.Fprintf(e.stdout, "%-20s %-16s %-10s %s\n", u.Username, u.Role, u.DistrictCode, status)
		}
		if len(users) < 200 {
			return nil
		}
	}
}
