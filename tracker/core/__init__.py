"""What every domain package shares and nothing else owns: the day (`clock`), sensible dates (`dates`),
field lengths (`lengths`), the domain's errors (`errors`), the models' base and enum columns
(`models_base`), GOV.UK wording of dates and counts (`wording`), spreadsheet cells that never run
(`spreadsheets`), safe file names (`filenames`), paging with parameters (`pagination`) and work in a
limited process (`limited`). These import nothing above them."""
