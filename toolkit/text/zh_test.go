package text

import (
	"strings"
	"testing"
)

// The demo's Chinese quotes break between words: never inside 年龄, 目的地,
// 百万计, 之际, 健康 or 开门, at any width from a narrow story column to a
// wide landscape region.
func TestChineseBreaksBetweenWords(t *testing.T) {
	s := shaper(t)
	quotes := []string{
		"移民是经济增长、活力与相互理解的强大动力。它让数以百万计的人寻找新的机会，使原籍社区和目的地社区同样受益。",
		"人权不是因为成为英雄或受害者才“赢得”的，而是每个人应有的权利，无论其出身、年龄、性别和身份如何。",
		"值此国际移徙者日之际，教科文组织呼吁国际社会促进移民享有安全、尊严与和平的基本人权。",
		"项来自83个国家的促进难民和移民健康的经验",
		"“我的面包店六点开门。到七点，半条街的人都来聊过天了。”",
	}
	words := []string{"年龄", "目的地", "百万计", "之际", "健康", "开门", "83个"}
	for _, q := range quotes {
		for w := 300.0; w <= 1000; w += 35 {
			b, err := s.Fit(Spec{Text: q, Lang: "zh", Weight: Bold, MinSize: 30, MaxSize: 48}, Rect{0, 0, w, 2000})
			if err != nil {
				t.Fatalf("%q at %v px: %v", q, w, err)
			}
			lines := b.LineTexts()
			for i := 0; i+1 < len(lines); i++ {
				for _, word := range words {
					for k := 1; k < len([]rune(word)); k++ {
						head, tail := string([]rune(word)[:k]), string([]rune(word)[k:])
						if strings.HasSuffix(lines[i], head) && strings.HasPrefix(lines[i+1], tail) {
							t.Errorf("%v px: %q broken across lines %q | %q", w, word, lines[i], lines[i+1])
						}
					}
				}
			}
			if strings.Join(lines, "") != q {
				t.Errorf("lines %q do not add up to the text", lines)
			}
		}
	}
}

// A full-width opening quote at the start of a line hangs its blank half
// out, so the first line is not indented; "。”" closes up.
func TestChinesePunctuationCompressed(t *testing.T) {
	s := shaper(t)
	box := Rect{100, 0, 1000, 400}
	b, err := s.Fit(Spec{Text: "“我的面包店六点开门。”", Lang: "zh", Weight: Bold, MinSize: 50, MaxSize: 50, MaxLines: 1}, box)
	if err != nil {
		t.Fatal(err)
	}
	g := b.Lines[0].Glyphs
	if in := g[0].Ink.X0 - box.X0; in > 0.2*b.Size {
		t.Errorf("the opening quote's ink starts %.1f px in (%.2f em), want it hung at the edge", in, in/b.Size)
	}
	last, stop := g[len(g)-1], g[len(g)-2]
	if gap := last.Ink.X0 - stop.Ink.X1; gap > 0.5*b.Size {
		t.Errorf("。” are %.1f px apart (%.2f em), want the blank halves closed up", gap, gap/b.Size)
	}
}
