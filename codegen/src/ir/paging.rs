//! Pagination: which parameters page, and which list a count describes.

use super::*;

use super::lower::*;

/// Detects paging: integer `PageNumber`/`PageSize` with an integer
/// `TotalCount` in the response, or a string `NextToken` both ways.
pub(super) fn pagination(
    ctx: &Ctx<'_>,
    name: &str,
    params: &[Param],
    response: &StructType,
) -> Option<Pagination> {
    let param = |wire: &str, ok: &dyn Fn(&Type) -> bool| {
        params
            .iter()
            .find(|p| p.wire_name == wire && p.encoding == Encoding::Plain && ok(&p.ty))
            .map(|p| p.ident.clone())
    };
    let field = |wire: &str, ok: &dyn Fn(&Type) -> bool| {
        response
            .fields
            .iter()
            .find(|f| f.wire_name == wire && ok(&f.ty))
            .map(|f| f.ident.clone())
    };
    let integer = |t: &Type| matches!(t, Type::I32 | Type::I64);
    let string = |t: &Type| *t == Type::String;
    if let (Some(page_number), Some(page_size), Some(total_count)) = (
        param("PageNumber", &integer),
        param("PageSize", &integer),
        field("TotalCount", &integer),
    ) {
        return Some(Pagination::PageNumber {
            page_number,
            page_size,
            total_count,
            response_page_size: field("PageSize", &integer),
            items: paged_list(ctx, name, response, "TotalCount"),
        });
    }
    match (param("NextToken", &string), field("NextToken", &string)) {
        (Some(request_token), Some(response_token)) => Some(Pagination::Token {
            request_token,
            response_token,
            items: paged_list(ctx, name, response, "NextToken"),
        }),
        _ => None,
    }
}

/// The list a count or token pages through, never chosen by position: the
/// only list; else the only list of objects (IDs beside their objects are not
/// what is paged); else the list the operation is named after
/// (`DescribeVpnRouteEntries` pages `VpnRouteEntries`). When none of these
/// decides, there is no item list: pages are still counted by the total and
/// the page size, and the ambiguity is reported.
pub(super) fn paged_list(
    ctx: &Ctx<'_>,
    name: &str,
    response: &StructType,
    by: &str,
) -> Option<PagedList> {
    let lists: Vec<(&Field, &Type)> = response
        .fields
        .iter()
        .filter_map(|f| match &f.ty {
            Type::List(item) => Some((f, item.as_ref())),
            _ => None,
        })
        .collect();
    let pick = |f: &Field, item: &Type| PagedList {
        field: f.ident.clone(),
        item: item.clone(),
    };
    match lists.as_slice() {
        [] => return None,
        [(f, item)] => return Some(pick(f, item)),
        _ => {}
    }
    let objects: Vec<_> = lists
        .iter()
        .filter(|(_, item)| matches!(item, Type::Struct(_) | Type::Shared(_)))
        .collect();
    if let [(f, item)] = objects.as_slice() {
        return Some(pick(f, item));
    }
    let named: Vec<_> = lists
        .iter()
        .filter(|(f, _)| name.ends_with(f.wire_name.as_str()))
        .collect();
    if let [(f, item)] = named.as_slice() {
        return Some(pick(f, item));
    }
    let names: Vec<&str> = lists.iter().map(|(f, _)| f.wire_name.as_str()).collect();
    ctx.note(format!(
        "apis.{name}.responses.200.schema: {by} may count any of {}; paging without an item list",
        names.join(", ")
    ));
    None
}
