"""Files on disk: atomic writes that never damage the user's data, LibreOffice conversions."""
