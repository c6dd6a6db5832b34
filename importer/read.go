package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/samverkan/samverkan"
)

// The bounds on a file, so that no file can make the server read without
// end. Over the API the request's body limit (1 MiB) comes first.
const (
	// MaxFileSize is the largest file read, in bytes.
	MaxFileSize = 32 << 20
	// MaxRows is the most rows of a sheet, its header included.
	MaxRows = 100_000
	// MaxColumns is the most columns a row may have.
	MaxColumns = 50
	// maxCell bounds one cell, in bytes: a description may hold 20,000
	// characters of up to 4 bytes.
	maxCell = 80_000
	// maxUnzipped bounds what an .xlsx file may unpack to, against a zip
	// bomb: a file within the body's limit that expands to gigabytes. A
	// sheet over maxSheetXML is read from a temporary file, not memory.
	maxUnzipped = 64 << 20
	maxSheetXML = 16 << 20
)

// sheet is a table read from a file: a CSV file, or one sheet of a
// workbook, as rows of cells.
type sheet struct {
	name string // the workbook's sheet name; empty for a CSV file
	rows [][]string
}

// badFile is the error for a file that cannot be read as a table.
func badFile(format string, args ...any) error {
	return samverkan.Errorf(samverkan.CodeBadRequest, "file", format, args...)
}

// read reads a file as CSV or as an .xlsx workbook, which it tells by the
// content: a workbook is a zip file.
func read(data []byte) ([]sheet, error) {
	if len(data) > MaxFileSize {
		return nil, samverkan.Errorf(samverkan.CodeBodyTooLarge, "file", "the file is %d bytes, more than the %d an import may read", len(data), MaxFileSize)
	}
	if len(data) == 0 {
		return nil, badFile("the file is empty")
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data)
	}
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, badFile("the file is an old Excel workbook (.xls): save it as .xlsx or CSV")
	}
	s, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	return []sheet{s}, nil
}

// readCSV reads CSV as Excel writes it: UTF-8 with or without a byte-order
// mark, or Windows-1252 (Excel's "CSV (semikolonavgränsad)" on a Swedish
// Windows); separated by semicolons (Swedish settings) or commas, whichever
// the header line has more of outside quotes; lines ended by CRLF or LF.
func readCSV(data []byte) (sheet, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		if bytes.ContainsRune(data, 0) {
			return sheet{}, badFile("the file is neither CSV nor an .xlsx workbook")
		}
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return sheet{}, badFile("the file is neither UTF-8 nor Windows-1252 text")
		}
		data = dec
	}
	if bytes.ContainsRune(data, 0) {
		return sheet{}, badFile("the file is neither CSV nor an .xlsx workbook")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.FieldsPerRecord = -1 // Excel leaves trailing empty cells out
	r.LazyQuotes = true
	r.ReuseRecord = false
	var s sheet
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return sheet{}, badFile("line %d is not valid CSV: %v", pe.StartLine, pe.Err)
			}
			return sheet{}, badFile("the file is not valid CSV")
		}
		if err := checkRow(len(s.rows)+1, rec); err != nil {
			return sheet{}, err
		}
		s.rows = append(s.rows, rec)
	}
	return s, nil
}

// separator guesses the separator from the first line: ';' or ','.
func separator(data []byte) rune {
	semicolons, commas, quoted := 0, 0, false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ';':
			semicolons++
		case c == ',':
			commas++
		case c == '\n':
			if commas > semicolons {
				return ','
			}
			return ';'
		}
	}
	if commas > semicolons {
		return ','
	}
	return ';'
}

// checkRow applies the bounds to the row numbered n (from 1).
func checkRow(n int, cells []string) error {
	if n > MaxRows {
		return samverkan.Errorf(samverkan.CodeQueryTooLarge, "file", "the file has more than %d rows; split it", MaxRows)
	}
	if len(cells) > MaxColumns {
		// Trailing empty cells (a spreadsheet's formatting) do not count.
		last := len(cells)
		for last > 0 && strings.TrimSpace(cells[last-1]) == "" {
			last--
		}
		if last > MaxColumns {
			return samverkan.Errorf(samverkan.CodeQueryTooLarge, "file", "row %d has %d columns, more than the %d an import reads", n, last, MaxColumns)
		}
	}
	for _, c := range cells {
		if len(c) > maxCell {
			return samverkan.Errorf(samverkan.CodeQueryTooLarge, "file", "a cell in row %d has %d bytes, more than the %d an import reads", n, len(c), maxCell)
		}
	}
	return nil
}

// readXLSX reads every sheet of a workbook. A cell with a formula is
// refused: its value is whatever Excel last computed, or nothing, and a
// formula in a plan's data is more likely a mistake or an attack than a
// wish.
func readXLSX(data []byte) (sheets []sheet, err error) {
	// excelize may panic on a malformed workbook; a file is the client's.
	defer func() {
		if r := recover(); r != nil {
			sheets, err = nil, badFile("the .xlsx workbook is damaged and cannot be read")
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    maxUnzipped,
		UnzipXMLSizeLimit: maxSheetXML,
	})
	if err != nil {
		if strings.Contains(err.Error(), "size") && strings.Contains(err.Error(), "limit") {
			return nil, samverkan.Errorf(samverkan.CodeQueryTooLarge, "file", "the .xlsx workbook unpacks to more than %d bytes", maxUnzipped)
		}
		return nil, badFile("the .xlsx workbook is damaged and cannot be read")
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		rows, err := f.Rows(name)
		if err != nil {
			return nil, badFile("sheet %q of the workbook cannot be read", name)
		}
		s := sheet{name: name}
		for rows.Next() {
			cells, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return nil, badFile("sheet %q of the workbook cannot be read", name)
			}
			n := len(s.rows) + 1
			if err := checkRow(n, cells); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sheet %q: %w", name, err)
			}
			s.rows = append(s.rows, cells)
		}
		if err := rows.Close(); err != nil {
			return nil, badFile("sheet %q of the workbook cannot be read", name)
		}
		if err := refuseFormulas(f, &s); err != nil {
			return nil, err
		}
		sheets = append(sheets, s)
	}
	return sheets, nil
}

// refuseFormulas refuses a sheet with a formula in any cell, with a
// value computed or not.
func refuseFormulas(f *excelize.File, s *sheet) error {
	for r, row := range s.rows {
		for c := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				continue
			}
			if formula, err := f.GetCellFormula(s.name, cell); err == nil && formula != "" {
				return badFile("cell %s of sheet %q holds a formula (=%s): an import reads values only; copy the cells and paste them as values", cell, s.name, clip(formula, 40))
			}
		}
	}
	return nil
}

// clip shortens s to at most n characters, for a message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
