#include <libxml/xmlversion.h>
/* Debian's libxml2 is built with ICU, so encoding.h would include the system ICU headers, which
   clash with the ICU that Foundation's modules carry. The parser API used here (SAX2, the push
   parser, structured errors) reaches encoding handlers only through pointers, whose layout does
   not change: leave ICU out of the declarations. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
