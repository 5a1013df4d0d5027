"""Documents the office prints or sends: PDF with reportlab, XLSX with openpyxl; one module per document."""
