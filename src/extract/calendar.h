/* calendar.h - proleptic Gregorian calendar helpers shared by date.c (which
 * defines them) and timex.c. Days are counted from 1970-01-01 (day 0). */
#ifndef VJCORPUS_EXTRACT_CALENDAR_H
#define VJCORPUS_EXTRACT_CALENDAR_H

#include "vjcorpus/extract.h"

#include <stdint.h>

/* Years outside [EXTRACT__YEAR_MIN, EXTRACT__YEAR_MAX] are never dates. */
#define EXTRACT__YEAR_MIN 1
#define EXTRACT__YEAR_MAX 9999

int extract__is_leap(int y);
/* Days in month m (1..12) of year y; 0 for a bad month. */
int extract__days_in_month(int y, int m);
/* Is y-m-d a real calendar day within the supported years? */
int extract__ymd_valid(int y, int m, int d);
/* Day number of y-m-d (which must be valid), and back. */
int64_t extract__ymd_days(int y, int m, int d);
extract_ymd_t extract__days_ymd(int64_t days);
/* ISO weekday of a day number: Monday 1 .. Sunday 7. */
int extract__weekday(int64_t days);
/* y-m-d plus n days; ymd must be valid. */
extract_ymd_t extract__add_days(extract_ymd_t ymd, int64_t n);
/* First day of the month n months after y-m. */
extract_ymd_t extract__add_months(int y, int m, int n);
/* The Monday that starts the ISO week holding ymd. */
extract_ymd_t extract__iso_monday(extract_ymd_t ymd);
/* ISO 8601 week-numbering year and week (1..53) of ymd. */
void extract__iso_week(extract_ymd_t ymd, int *iso_year, int *week);

#endif
