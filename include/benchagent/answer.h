/*
 * answer.h - the answer types an item may have: one table for the
 * planner, the plan validator, the generator registry and verification.
 * Adding a type is one entry in BA_ANSWER_TYPES (then teach the scorer).
 */
#ifndef BA_ANSWER_H
#define BA_ANSWER_H

#define BA_ANSWER_TYPES(X, SEP) \
	X(choice) SEP X(short) SEP X(numeric) SEP X(binary) SEP X(span) SEP X(label) SEP X(open)

#define BA_ANSWER_STR_(name) #name
#define BA_ANSWER_COMMA_ ,
/* "choice, short, ..." and "choice|short|..." for messages */
#define BA_ANSWER_TYPES_LIST BA_ANSWER_TYPES(BA_ANSWER_STR_, ", ")
#define BA_ANSWER_TYPES_BARS BA_ANSWER_TYPES(BA_ANSWER_STR_, "|")

/* NULL-terminated list of the names. */
extern const char *const ba_answer_types[];
/* 1 when s (may be NULL) names an answer type. */
int ba_answer_type_known(const char *s);

#endif
