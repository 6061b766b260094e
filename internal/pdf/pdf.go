// Package pdf prints HTML to PDF with a headless Chromium: the documents
// the system writes (the half-year summary) are printed from the same HTML
// the pages show, with their @page rules for paper and margins.
package pdf

import (
	"context"
	"fmt"
	"os/exec"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"kejiju/internal/i18n"
)

// Browsers are the names a Chromium goes by, in the order they are looked
// for on PATH.
var Browsers = []string{"chromium", "chromium-browser", "google-chrome", "chrome"}

// Browser returns the path of an installed Chromium, or a Conflict error
// saying none is installed.
func Browser() (string, error) {
	for _, name := range Browsers {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", i18n.E(i18n.Conflict, "pdf.no_browser")
}

// FromHTML prints a whole HTML document to PDF, honouring its CSS page
// size and margins, within a minute. footer, when not empty, is the HTML
// of each page's footer, where <span class="pageNumber"></span> is the page
// number (it must set its own font size).
func FromHTML(ctx context.Context, html, footer string) ([]byte, error) {
	bin, err := Browser()
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-component-update", true))
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			tree, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
			if err != nil {
				return err
			}
			_, err = chromedp.Call(ctx, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: html})
			return err
		})); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	opt := []chromedp.PDFOption{chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground(), chromedp.PDFOutlineAndTagged()}
	if footer != "" {
		opt = append(opt, chromedp.PDFHeaderTemplate("<span></span>"), chromedp.PDFFooterTemplate(footer))
	}
	out, err := chromedp.Run(bctx, chromedp.PrintToPDF(opt...))
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return out, nil
}
