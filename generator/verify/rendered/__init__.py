"""Checks of the rendered pages, beside the reader's: ink in each expected run's box (`ink`, on `raster`s, with the
glyph areas of `faces`) and Tesseract reading each expected run back (`ocr`); `audit` runs both on one leaflet."""
