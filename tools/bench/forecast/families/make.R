# Writes the "families" panel: public R datasets (base R's datasets package) of the kinds of series users bring that
# the development panel lacks — short monthly, quarterly, long monthly, a long cycle without a season — as
# date,value CSVs with panel.json. Run once: Rscript make.R (needs r-base); the files are committed.
write_series <- function(name, x, h, note) {
  tt <- time(x); f <- frequency(x)
  yr <- floor(tt + 1e-9); per <- round((tt - yr) * f)
  date <- if (f == 12) sprintf("%04d-%02d-01", yr, per + 1) else if (f == 4) sprintf("%04d-%02d-01", yr, 3 * per + 1) else sprintf("%04d-01-01", yr)
  write.csv(data.frame(date = date, value = as.numeric(x)), paste0(name, ".csv"), row.names = FALSE, quote = FALSE)
  sprintf('  {"name": "%s", "n": %d, "season": %d, "horizon": %d, "missing": 0, "note": "%s"}', name, length(x), if (f > 1) f else 1, h, note)
}
rows <- c(
  write_series("USAccDeaths", USAccDeaths, 24, "monthly US accidental deaths 1973-1978: 48 months to train, 24 held out"),
  write_series("mdeaths", mdeaths, 24, "monthly UK male deaths from lung disease 1974-1979: 48 + 24"),
  write_series("UKgas", UKgas, 8, "quarterly UK gas consumption 1960-1986"),
  write_series("JohnsonJohnson", JohnsonJohnson, 8, "quarterly Johnson & Johnson earnings per share 1960-1980"),
  write_series("austres", austres, 8, "quarterly Australian residents (thousands) 1971-1994"),
  write_series("nottem", nottem, 24, "monthly mean air temperature at Nottingham 1920-1939"),
  write_series("co2", co2, 24, "monthly Mauna Loa CO2 concentration 1959-1997"),
  write_series("sunspot_year", sunspot.year, 11, "yearly sunspot numbers 1700-1988: an 11-year cycle, no season"))
writeLines(c("[", paste(rows, collapse = ",\n"), "]"), "panel.json")
