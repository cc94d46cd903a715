// Package art draws the demo campaign's own artwork: the campaign logo and
// the two story illustrations. They are drawn from code rather than shipped
// as downloaded photos, so the demo carries no third-party image rights, and
// the drawing is deterministic: the same program gives the same pixels, which
// assets/demo_test.go checks against the committed PNG files.
//
// Regenerate the files with `go run ./assets/art/gen`.
package art

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/fogleman/gg"
	"github.com/golang/freetype/truetype"
	"golang.org/x/image/font"

	"github.com/campaignkit/campaignkit/fonts"
)

// Files maps each file the demo uses, relative to assets/demo, to the
// function that draws it.
var Files = map[string]func() (image.Image, error){
	"logo.png":          Logo,
	"photos/amina.png":  Amina,
	"photos/carlos.png": Carlos,
}

// Colours shared by the drawings.
var (
	unBlue   = hex("#0B3D91")
	deepBlue = hex("#082C6C")
	sun      = hex("#FFD166")
	coral    = hex("#EF8354")
	teal     = hex("#2A9D8F")
	cream    = hex("#FFF4E0")
)

func hex(s string) color.RGBA {
	var r, g, b uint8
	fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b)
	return color.RGBA{r, g, b, 255}
}

func face(file string, size float64) (font.Face, error) {
	data, err := fonts.FS.ReadFile(file)
	if err != nil {
		return nil, err
	}
	f, err := truetype.Parse(data)
	if err != nil {
		return nil, err
	}
	return truetype.NewFace(f, &truetype.Options{Size: size, Hinting: font.HintingNone}), nil
}

// Logo is the campaign logo: a white pill holding a mark of three arcs
// (people moving together) and the wordmark, so it reads on any background.
func Logo() (image.Image, error) {
	const w, h = 700, 240
	dc := pill(w, h)
	// the mark: a circle with three rising arcs
	cx, cy, r := 130.0, 120.0, 84.0
	dc.DrawCircle(cx, cy, r)
	dc.SetColor(unBlue)
	dc.Fill()
	dc.SetLineCapRound()
	for i, c := range []color.RGBA{sun, coral, hex("#8ECAE6")} {
		dc.SetColor(c)
		dc.SetLineWidth(14)
		y := cy + 30 - float64(i)*26
		dc.DrawArc(cx-6+float64(i)*6, y+60, 70-float64(i)*8, gg.Radians(235), gg.Radians(305))
		dc.Stroke()
	}
	dc.SetColor(color.White)
	dc.DrawCircle(cx+34, cy-38, 12)
	dc.Fill()
	bold, err := face("NotoSans-Bold.ttf", 62)
	if err != nil {
		return nil, err
	}
	regular, err := face("NotoSans-Regular.ttf", 40)
	if err != nil {
		return nil, err
	}
	dc.SetFontFace(bold)
	dc.SetColor(deepBlue)
	dc.DrawString("Migrants Day", 240, 118)
	dc.SetFontFace(regular)
	dc.SetColor(unBlue)
	dc.DrawString("18 · 12 · 2026", 242, 176)
	return dc.Image(), nil
}

// scene is a square illustration canvas.
const scene = 1600

func sky(dc *gg.Context, top, bottom color.RGBA, horizon float64) {
	g := gg.NewLinearGradient(0, 0, 0, horizon)
	g.AddColorStop(0, top)
	g.AddColorStop(1, bottom)
	dc.SetFillStyle(g)
	dc.DrawRectangle(0, 0, scene, horizon)
	dc.Fill()
}

// hill draws a filled band whose top edge is a sum of sine waves.
func hill(dc *gg.Context, base, amp, phase, freq float64, c color.RGBA) {
	dc.MoveTo(0, scene)
	for x := 0.0; x <= scene; x += 8 {
		y := base + amp*math.Sin(x/scene*freq*math.Pi+phase) + amp*0.35*math.Sin(x/scene*freq*2.7*math.Pi+phase*1.7)
		dc.LineTo(x, y)
	}
	dc.LineTo(scene, scene)
	dc.ClosePath()
	dc.SetColor(c)
	dc.Fill()
}

// person is a flat figure standing at (x, feet) with height h.
type person struct {
	skin, hair, top, bottom color.RGBA
	scarf                   bool // head scarf instead of short hair
	apron                   *color.RGBA
}

func (p person) draw(dc *gg.Context, x, feet, h float64) {
	head := h * 0.13
	shoulder := feet - h*0.78
	// legs
	dc.SetColor(p.bottom)
	dc.DrawRoundedRectangle(x-h*0.13, feet-h*0.42, h*0.11, h*0.42, h*0.03)
	dc.DrawRoundedRectangle(x+h*0.02, feet-h*0.42, h*0.11, h*0.42, h*0.03)
	dc.Fill()
	// body
	dc.SetColor(p.top)
	dc.MoveTo(x-h*0.2, feet-h*0.38)
	dc.LineTo(x-h*0.19, shoulder+h*0.06)
	dc.QuadraticTo(x-h*0.18, shoulder, x-h*0.1, shoulder)
	dc.LineTo(x+h*0.1, shoulder)
	dc.QuadraticTo(x+h*0.18, shoulder, x+h*0.19, shoulder+h*0.06)
	dc.LineTo(x+h*0.2, feet-h*0.38)
	dc.ClosePath()
	dc.Fill()
	if p.apron != nil {
		dc.SetColor(*p.apron)
		dc.DrawRoundedRectangle(x-h*0.12, shoulder+h*0.12, h*0.24, h*0.36, h*0.02)
		dc.Fill()
	}
	// neck and head
	dc.SetColor(p.skin)
	dc.DrawRectangle(x-h*0.035, shoulder-h*0.05, h*0.07, h*0.07)
	dc.Fill()
	hy := shoulder - h*0.05 - head*0.9
	if p.scarf {
		dc.SetColor(p.hair)
		dc.DrawEllipse(x, hy+head*0.15, head*1.18, head*1.3)
		dc.Fill()
		dc.DrawRectangle(x-head*1.0, hy+head*0.3, head*2.0, head*1.1)
		dc.Fill()
	} else {
		dc.SetColor(p.hair)
		dc.DrawEllipse(x, hy-head*0.18, head*1.05, head*0.95)
		dc.Fill()
	}
	dc.SetColor(p.skin)
	dc.DrawEllipse(x, hy+head*0.08, head*0.86, head)
	dc.Fill()
	// a calm smile
	dc.SetColor(color.RGBA{60, 30, 20, 255})
	dc.SetLineWidth(h * 0.008)
	dc.SetLineCapRound()
	dc.DrawArc(x, hy+head*0.2, head*0.38, gg.Radians(35), gg.Radians(145))
	dc.Stroke()
	dc.DrawCircle(x-head*0.32, hy-head*0.05, h*0.009)
	dc.DrawCircle(x+head*0.32, hy-head*0.05, h*0.009)
	dc.Fill()
	// arms
	dc.SetColor(p.top)
	dc.SetLineWidth(h * 0.075)
	dc.MoveTo(x-h*0.17, shoulder+h*0.08)
	dc.LineTo(x-h*0.23, feet-h*0.5)
	dc.MoveTo(x+h*0.17, shoulder+h*0.08)
	dc.LineTo(x+h*0.23, feet-h*0.5)
	dc.Stroke()
	dc.SetColor(p.skin)
	dc.DrawCircle(x-h*0.235, feet-h*0.48, h*0.04)
	dc.DrawCircle(x+h*0.235, feet-h*0.48, h*0.04)
	dc.Fill()
}

func birds(dc *gg.Context, c color.RGBA, pts [][2]float64) {
	dc.SetColor(c)
	dc.SetLineWidth(7)
	dc.SetLineCapRound()
	for _, p := range pts {
		x, y := p[0], p[1]
		dc.MoveTo(x-28, y-10)
		dc.QuadraticTo(x-12, y-22, x, y)
		dc.QuadraticTo(x+12, y-22, x+28, y-10)
		dc.Stroke()
	}
}

// Amina is the first story: a health-care worker in front of the clinic at
// dusk.
func Amina() (image.Image, error) {
	dc := gg.NewContext(scene, scene)
	sky(dc, hex("#F4A261"), hex("#FFE8C2"), 1100)
	dc.SetColor(sun)
	dc.DrawCircle(1220, 430, 150)
	dc.Fill()
	birds(dc, hex("#7A4E2D"), [][2]float64{{300, 260}, {390, 220}, {470, 300}})
	hill(dc, 900, 40, 0.4, 2, hex("#E9C46A"))
	// the clinic
	dc.SetColor(cream)
	dc.DrawRectangle(180, 560, 620, 520)
	dc.Fill()
	dc.SetColor(hex("#E76F51"))
	dc.DrawRectangle(160, 520, 660, 60)
	dc.Fill()
	dc.SetColor(teal)
	for row := 0; row < 3; row++ {
		for col := 0; col < 4; col++ {
			dc.DrawRectangle(220+float64(col)*145, 620+float64(row)*140, 90, 90)
		}
	}
	dc.Fill()
	dc.SetColor(hex("#D62828"))
	dc.DrawRectangle(470, 420, 40, 120)
	dc.DrawRectangle(430, 460, 120, 40)
	dc.Fill()
	hill(dc, 1080, 30, 1.7, 1.5, hex("#2A9D8F"))
	hill(dc, 1250, 25, 0.2, 1.2, hex("#21867A"))
	person{
		skin: hex("#8D5524"), hair: hex("#264653"), top: hex("#48CAE4"), bottom: hex("#023E8A"), scarf: true,
	}.draw(dc, 980, 1500, 980)
	// stethoscope
	dc.SetColor(hex("#1D3557"))
	dc.SetLineWidth(12)
	dc.DrawArc(980, 820, 70, gg.Radians(10), gg.Radians(170))
	dc.Stroke()
	dc.DrawCircle(1050, 900, 20)
	dc.Fill()
	return dc.Image(), nil
}

// Carlos is the second story: a baker in the market he opened, with bunting
// across the street.
func Carlos() (image.Image, error) {
	dc := gg.NewContext(scene, scene)
	sky(dc, hex("#8ECAE6"), hex("#E0F4FF"), 1000)
	dc.SetColor(color.White)
	for _, c := range [][3]float64{{260, 260, 70}, {340, 240, 90}, {430, 270, 65}, {1100, 180, 60}, {1180, 160, 80}} {
		dc.DrawCircle(c[0], c[1], c[2])
	}
	dc.Fill()
	// houses
	colors := []color.RGBA{hex("#E76F51"), hex("#F4A261"), hex("#2A9D8F"), hex("#E9C46A"), hex("#264653")}
	for i := 0; i < 5; i++ {
		x := float64(i) * 330
		hgt := 420 + float64((i*137)%160)
		dc.SetColor(colors[i])
		dc.DrawRectangle(x, 1000-hgt, 320, hgt+200)
		dc.Fill()
		dc.SetColor(cream)
		for k := 0; k < 2; k++ {
			dc.DrawRectangle(x+50+float64(k)*140, 1000-hgt+70, 80, 110)
		}
		dc.Fill()
	}
	// bunting
	dc.SetColor(deepBlue)
	dc.SetLineWidth(5)
	dc.MoveTo(0, 520)
	dc.QuadraticTo(800, 680, scene, 520)
	dc.Stroke()
	flags := []color.RGBA{sun, coral, teal, hex("#F72585"), hex("#4361EE")}
	for i := 0; i < 16; i++ {
		t := (float64(i) + 0.5) / 16
		x := t * scene
		y := (1-t)*(1-t)*520 + 2*(1-t)*t*680 + t*t*520
		dc.SetColor(flags[i%len(flags)])
		dc.MoveTo(x-34, y)
		dc.LineTo(x+34, y)
		dc.LineTo(x, y+80)
		dc.ClosePath()
		dc.Fill()
	}
	// the street and the stall
	dc.SetColor(hex("#CDB4A0"))
	dc.DrawRectangle(0, 1100, scene, 500)
	dc.Fill()
	dc.SetColor(hex("#6D4C41"))
	dc.DrawRectangle(250, 1130, 560, 330)
	dc.Fill()
	for i := 0; i < 7; i++ {
		if i%2 == 0 {
			dc.SetColor(hex("#D62828"))
		} else {
			dc.SetColor(color.White)
		}
		dc.DrawRectangle(220+float64(i)*89, 960, 89, 90)
		dc.Fill()
	}
	// bread on the stall
	dc.SetColor(hex("#C68B59"))
	for i := 0; i < 4; i++ {
		dc.DrawEllipse(330+float64(i)*130, 1110, 55, 30)
	}
	dc.Fill()
	apron := color.RGBA{255, 255, 255, 255}
	person{
		skin: hex("#C68642"), hair: hex("#2B2118"), top: hex("#F77F00"), bottom: hex("#3D405B"), apron: &apron,
	}.draw(dc, 1110, 1520, 960)
	return dc.Image(), nil
}

// PlaceholderLogo is the logo of a campaign just made by `campaignkit
// init`: a white pill with a dashed outline that says "YOUR LOGO", so it is
// plainly a stand-in, reads on any background and names no organisation.
func PlaceholderLogo() (image.Image, error) {
	const w, h = 600, 200
	dc := pill(w, h)
	dc.SetDash(18, 12)
	dc.SetLineWidth(6)
	dc.DrawRoundedRectangle(18, 18, w-36, h-36, (h-36)/2)
	dc.SetColor(hex("#5A6270"))
	dc.Stroke()
	bold, err := face("NotoSans-Bold.ttf", 64)
	if err != nil {
		return nil, err
	}
	dc.SetFontFace(bold)
	dc.DrawStringAnchored("YOUR LOGO", w/2, h/2, 0.5, 0.35)
	return dc.Image(), nil
}

// pill is a w×h canvas holding a white pill, the ground of both logos: it
// keeps what is drawn on it readable on any background.
func pill(w, h int) *gg.Context {
	dc := gg.NewContext(w, h)
	dc.DrawRoundedRectangle(4, 4, float64(w-8), float64(h-8), float64(h-8)/2)
	dc.SetColor(color.White)
	dc.Fill()
	return dc
}
