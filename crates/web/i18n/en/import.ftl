import-action = Import
import-title = Import leads from a file
import-intro = A CSV file saved from Excel or Google Sheets (UTF-8, a header line, one lead per row). Columns are matched by their headers; check the file, change any column that was matched wrongly, then import. Nothing is written unless every row is right.
import-file = CSV file
import-type = Import as
import-check = Check the file
import-submit = Import
import-skip = — do not import —
import-columns = Columns
import-column = Column in the file
import-field = Saved as
import-preview = First rows
import-ready = { $count ->
    [one] One row is ready to import.
   *[other] { $count } rows are ready to import.
}
import-done = { $count ->
    [one] One record imported.
   *[other] { $count } records imported.
}
import-open-list = Open the list
import-problems = Nothing was imported. Fix these rows in the file and check it again:
import-line = Line { $line }
import-field-file = File
import-field-columns = Columns
import-field-pipeline-id = Pipeline
error-csv = This is not a CSV file we can read. Save it as "CSV UTF-8" and try again.
error-csv-line = This is not a CSV file we can read (line { $line }). Save it as "CSV UTF-8" and try again.
error-no-match = Nothing called “{ $name }” was found.
import-need-name = No column was recognised as the name. Choose below which column holds it, then check again.
import-pipeline-default = The usual pipeline for the type
list-count-capped = More than { $count } records
contacts-count-capped = More than { $count } contacts
error-ambiguous = Several records are called “{ $name }”; use a name only one has (for a salesperson, the e-mail).
error-type-date-yyyy-mm-dd = Write the date as 2026-12-31 or 31/12/2026.
error-type-amount = Write an amount, e.g. 78000 or 78.000.
