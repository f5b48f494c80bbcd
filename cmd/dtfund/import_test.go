package main

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dtfund/internal/store"
	"dtfund/uscc"
)

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"DTFUND_DATA": dir}
	if code, _, errOut := runCLI(t, "", env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	r := rand.New(rand.NewPCG(1, 2))
	a, b := uscc.Generate(r, '9', '1', "220104"), uscc.Generate(r, '9', '1', "220173")
	header := "统一社会信用代码,单位名称,属地县（市）区,行业代码,年度,从业人员（人）,营业收入（元）,资产总额（元）\n"
	good := header + a + ",长春甲有限公司,朝阳区,3670,2025,320,\"80,000,000.00\",50000000\n" +
		b + ",长春乙有限公司,高新区,6510,2025,45,3000000,2000000\n"
	bad := strings.Replace(good, "高新区", "火星区", 1)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	goodFile, badFile := write("good.csv", good), write("bad.csv", bad)

	// A dry run checks and writes nothing.
	code, out, errOut := runCLI(t, "", env, "import", "organizations", goodFile, "--dry-run")
	if code != 0 || !strings.Contains(out, "共 2 行数据，2 行无误，0 处错误") || countOrgsCLI(t, dir) != 0 {
		t.Fatalf("dry run: %d %q %q", code, out, errOut)
	}
	// Errors: listed by row and column, nothing written, exit 1; a marked copy.
	marked := filepath.Join(dir, "marked.xlsx")
	code, out, errOut = runCLI(t, "", env, "import", "--marked", marked, "organizations", badFile)
	if code != 1 || !strings.Contains(out, "✗ 第3行“属地县（市）区”列（C3）：“火星区”") || !strings.Contains(errOut, "未导入任何数据") ||
		countOrgsCLI(t, dir) != 0 {
		t.Fatalf("bad file: %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(marked); err != nil {
		t.Fatalf("marked copy: %v", err)
	}
	// Only the valid rows, then the whole file, then the same file again.
	code, out, errOut = runCLI(t, "", env, "import", "organizations", badFile, "--valid-only")
	if code != 0 || !strings.Contains(out, "新增 1 行，更新 0 行，0 行与系统中一致未作改动；1 行有错误未导入") || countOrgsCLI(t, dir) != 1 {
		t.Fatalf("valid only: %d %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", env, "import", "organizations", goodFile)
	if code != 0 || !strings.Contains(out, "新增 1 行，更新 0 行，1 行与系统中一致") || !strings.Contains(errOut, "写入 [") ||
		!strings.Contains(errOut, "2/2") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	if code, out, _ = runCLI(t, "", env, "import", "organizations", goodFile); code != 0 || !strings.Contains(out, "新增 0 行，更新 0 行，2 行与系统中一致") {
		t.Fatalf("re-import: %d %q", code, out)
	}
	// Credit records of the imported organisations (第十一条, 第十三条):
	// added once, then the same file changes nothing.
	creditFile := write("credit.csv", "统一社会信用代码,类型,开始日期,结束日期,来源,备注\n"+
		a+",经营异常名录,2025-03-01,,国家企业信用信息公示系统,未按期公示年报\n"+
		b+",偷漏税等违法违规行为,2024-05-10,2024-05-10,长税罚〔2024〕8号,\n")
	if code, out, errOut = runCLI(t, "", env, "import", "credit", creditFile); code != 0 || !strings.Contains(out, "信用记录") ||
		!strings.Contains(out, "新增 2 行，更新 0 行，0 行与系统中一致") {
		t.Fatalf("credit import: %d %q %q", code, out, errOut)
	}
	if code, out, _ = runCLI(t, "", env, "import", "credit", creditFile); code != 0 || !strings.Contains(out, "新增 0 行，更新 0 行，2 行与系统中一致") {
		t.Fatalf("credit re-import: %d %q", code, out)
	}
	// The expert pool is the city bureau's: the default actor may not.
	if code, _, errOut = runCLI(t, "", env, "import", "experts", goodFile); code != 1 || !strings.Contains(errOut, "无权") {
		t.Fatalf("experts as cli: %d %q", code, errOut)
	}
	if code, _, errOut = runCLI(t, "", env, "import", "organizations", goodFile, "--as", "nobody"); code != 1 || !strings.Contains(errOut, "nobody") {
		t.Fatalf("unknown --as user: %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "", env, "import", "organizations"); code != 2 {
		t.Fatalf("missing file: exit %d, want 2", code)
	}
	if code, _, errOut := runCLI(t, "", env, "import", "-h"); code != 0 || !strings.Contains(errOut, "dtfund import KIND FILE") {
		t.Fatalf("import -h: %d %q", code, errOut)
	}
}

func countOrgsCLI(t *testing.T, dir string) int {
	t.Helper()
	a, err := (&dbConfig{data: dir}).open(context.Background(), quietEnv(nil), defaultDBFile)
	if err != nil {
		t.Fatal(err)
	}
	defer a.DB.Close()
	_, n, err := a.DB.FindOrganizations(context.Background(), store.OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
