package policy

import (
	_ "embed"
	"strconv"
	"strings"
)

// The text of the measures themselves, as published, shown on the public
// site beside how each article is implemented.

//go:embed measures.zh.md
var measuresText string

// Measures is the regulation's text split into chapters and articles.
type Measures struct {
	Title    string
	Chapters []MeasuresChapter
}

// MeasuresChapter is one chapter (章) with its articles.
type MeasuresChapter struct {
	Title    string
	Articles []MeasuresArticle
}

// MeasuresArticle is one article (条): its number (第七条), its position
// (7, for anchors) and its paragraphs, the first without the number.
type MeasuresArticle struct {
	Number     string
	Seq        int
	Paragraphs []string
}

// Text returns the measures' text, parsed. A line 「第…章 …」 opens a
// chapter, a line 「第…条 …」 an article; every other line is a paragraph of
// the current article (its items （一）（二）…).
func Text() Measures {
	var m Measures
	for _, line := range strings.Split(measuresText, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case m.Title == "":
			m.Title = line
		case isHeading(line, "章"):
			m.Chapters = append(m.Chapters, MeasuresChapter{Title: line})
		case isHeading(line, "条") && len(m.Chapters) > 0:
			num, rest, _ := strings.Cut(line, " ")
			ch := &m.Chapters[len(m.Chapters)-1]
			ch.Articles = append(ch.Articles, MeasuresArticle{Number: num, Seq: m.count() + 1, Paragraphs: []string{strings.TrimSpace(rest)}})
		default:
			if a := m.last(); a != nil {
				a.Paragraphs = append(a.Paragraphs, line)
			}
		}
	}
	return m
}

// isHeading reports whether the line starts 「第<numeral><unit> 」.
func isHeading(line, unit string) bool {
	head, _, ok := strings.Cut(line, " ")
	if !ok || !strings.HasPrefix(head, "第") || !strings.HasSuffix(head, unit) {
		return false
	}
	n := strings.TrimSuffix(strings.TrimPrefix(head, "第"), unit)
	return n != "" && strings.Trim(n, "一二三四五六七八九十百零") == ""
}

func (m *Measures) count() int {
	n := 0
	for _, c := range m.Chapters {
		n += len(c.Articles)
	}
	return n
}

func (m *Measures) last() *MeasuresArticle {
	if len(m.Chapters) == 0 {
		return nil
	}
	c := &m.Chapters[len(m.Chapters)-1]
	if len(c.Articles) == 0 {
		return nil
	}
	return &c.Articles[len(c.Articles)-1]
}

// Anchor is the article's fragment identifier on the measures page.
func (a MeasuresArticle) Anchor() string { return "a" + strconv.Itoa(a.Seq) }

// Coverage returns how the article and its items are implemented.
func (a MeasuresArticle) Coverage() []ArticleCoverage {
	var out []ArticleCoverage
	for _, c := range Articles {
		if c.Article == a.Number || strings.HasPrefix(c.Article, a.Number+"（") {
			out = append(out, c)
		}
	}
	return out
}
