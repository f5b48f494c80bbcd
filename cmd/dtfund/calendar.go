package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"dtfund/calendar"
)

const calendarUsage = `dtfund calendar <操作> [--data … --database …] 参数

操作：
  is-working-day DATE        输出 true 或 false
  add-working-days DATE N    输出 DATE 之后第 N 个工作日（DATE 本身不计），格式 YYYY-MM-DD
  publicity-end DATE         输出自 DATE 起公示不少于5个工作日的截止日（第十四条（五））：
                             DATE 当天若为工作日计为第1天
  explain DATE               说明该日为何是（或不是）工作日

日历取内置的国务院节假日安排；指定 --data 或 --database 时，再叠加管理员在系统中录入的设定。`

func cmdCalendar(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(e.stderr, calendarUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	op := args[0]
	var c dbConfig
	fs := newFlagSet("calendar "+op, "工作日", e)
	c.register(fs, e)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	useDB := e.getenv("DTFUND_DATA") != "" || e.getenv("DTFUND_DATABASE_URL") != ""
	fs.Visit(func(f *flag.Flag) { useDB = useDB || f.Name == "data" || f.Name == "database" })
	cal, err := loadCalendar(ctx, e, &c, useDB)
	if err != nil {
		return err
	}
	return calendarOp(e, cal, op, fs.Args())
}

// loadCalendar uses the database's overrides when a database was named.
func loadCalendar(ctx context.Context, e env, c *dbConfig, useDB bool) (*calendar.Calendar, error) {
	if !useDB {
		return calendar.New(nil), nil
	}
	a, err := c.open(ctx, e, defaultDBFile)
	if err != nil {
		return nil, err
	}
	defer a.DB.Close()
	if err := a.DB.CheckSchema(ctx); err != nil {
		return nil, err
	}
	return a.Calendar(ctx)
}

func calendarOp(e env, cal *calendar.Calendar, op string, args []string) error {
	want := map[string]int{"is-working-day": 1, "add-working-days": 2, "publicity-end": 1, "explain": 1}
	n, ok := want[op]
	if !ok || len(args) != n {
		fmt.Fprintln(e.stderr, calendarUsage)
		return errUsage
	}
	d, err := calendar.ParseDate(args[0])
	if err != nil {
		return err
	}
	switch op {
	case "is-working-day":
		fmt.Fprintln(e.stdout, cal.IsWorkingDay(d))
	case "add-working-days":
		k, err := strconv.Atoi(args[1])
		if err != nil || k < 0 || k > calendar.MaxWorkingDays {
			return fmt.Errorf("N 须为 0 到 %d 之间的整数", calendar.MaxWorkingDays)
		}
		fmt.Fprintln(e.stdout, cal.AddWorkingDays(d, k))
	case "publicity-end":
		fmt.Fprintln(e.stdout, cal.PublicityEnd(d))
	case "explain":
		fmt.Fprintln(e.stdout, cal.Explain(d))
	}
	return nil
}
