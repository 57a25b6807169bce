/* The OpenAPI document, embedded at build time (see the Makefile). The
 * assembler includes the file as bytes; api_openapi.c serves them. */
    .section .rodata
    .global vj_openapi_json
    .type vj_openapi_json, @object
vj_openapi_json:
    .incbin "openapi/openapi.json"
    .global vj_openapi_json_end
vj_openapi_json_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
