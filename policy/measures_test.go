package policy

import (
	"strings"
	"testing"
)

func TestMeasuresTextHasTwentyOneArticlesInOrder(t *testing.T) {
	m := Text()
	if !strings.HasPrefix(m.Title, "长春市中小企业数字化转型专项资金使用管理办法") {
		t.Fatalf("title = %q", m.Title)
	}
	var nums []string
	for _, c := range m.Chapters {
		if !strings.HasPrefix(c.Title, "第") || !strings.Contains(c.Title, "章") {
			t.Errorf("chapter title %q", c.Title)
		}
		for _, a := range c.Articles {
			nums = append(nums, a.Number)
			if a.Seq != len(nums) || a.Paragraphs[0] == "" {
				t.Errorf("%s: seq %d, first paragraph %q", a.Number, a.Seq, a.Paragraphs[0])
			}
			if len(a.Coverage()) == 0 {
				t.Errorf("%s has no coverage entry", a.Number)
			}
		}
	}
	if len(nums) != 21 || nums[0] != "第一条" || nums[6] != "第七条" || nums[20] != "第二十一条" {
		t.Fatalf("articles = %v", nums)
	}
	// 第七条 keeps its items as paragraphs.
	seventh := m.Chapters[2].Articles[0]
	if seventh.Number != "第七条" || len(seventh.Paragraphs) < 7 || !strings.HasPrefix(seventh.Paragraphs[1], "（一）") {
		t.Fatalf("第七条 = %+v", seventh)
	}
	if got := len(seventh.Coverage()); got < 6 {
		t.Fatalf("第七条 coverage entries = %d, want its items too", got)
	}
}
